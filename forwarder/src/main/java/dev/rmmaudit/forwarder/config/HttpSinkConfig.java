package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Any HTTP endpoint (webhooks, SOAR, chat): batches as a JSON array or NDJSON, with configured headers.
 * Header values are secrets (they often carry tokens) and are never logged.
 */
public record HttpSinkConfig(String name, String format, String url, String body, Map<String, Secret> headers,
        HttpSettings http) implements SinkConfig, HasHttpSettings {

    @Override
    public String type() {
        return "http";
    }

    static HttpSinkConfig read(ConfigNode n, String name, Path baseDir, Path stateDir) {
        String url = HttpSettings.url(n, "url");
        String body = n.choice("body", "json", "json", "ndjson");
        Map<String, Secret> headers = new LinkedHashMap<>();
        n.child("headers").entries().forEach((k, v) -> {
            String t = v.text();
            if (t != null) {
                headers.put(k, new Secret(t));
            }
        });
        HttpSettings http = HttpSettings.read(n, name, baseDir, stateDir, 1_000_000);
        return new HttpSinkConfig(name, "json", url, body, Map.copyOf(headers), http);
    }
}
