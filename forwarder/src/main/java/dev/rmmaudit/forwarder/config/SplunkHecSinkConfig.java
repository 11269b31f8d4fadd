package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Splunk HTTP Event Collector.
 *
 * @param url the collector's base URL, such as {@code https://splunk.example.org:8088}
 * @param acks use indexer acknowledgement: an event counts as delivered only when Splunk says it is indexed
 * @param ackTimeout re-send a batch whose acknowledgement has not come after this long
 */
public record SplunkHecSinkConfig(String name, String format, String url, Secret token, String index,
        String source, String sourcetype, String host, boolean acks, Duration ackPollInterval, Duration ackTimeout,
        HttpSettings http) implements SinkConfig, HasHttpSettings {

    @Override
    public String type() {
        return "splunk_hec";
    }

    static SplunkHecSinkConfig read(ConfigNode n, String name, Path baseDir, Path stateDir) {
        String url = HttpSettings.url(n, "url");
        Secret token = n.secret("token");
        if (token.isEmpty()) {
            n.problem("missing 'token' (write token: ${SPLUNK_HEC_TOKEN})");
        }
        String index = n.string("index", null);
        String source = n.string("source", "rmm-audit");
        String sourcetype = n.string("sourcetype", "rmm:audit:ecs");
        String host = n.string("host", null);
        boolean acks = n.bool("acks", true);
        Duration poll = Durations.read(n.child("ackPollInterval"), Duration.ofSeconds(1));
        Duration ackTimeout = Durations.read(n.child("ackTimeout"), Duration.ofMinutes(2));
        HttpSettings http = HttpSettings.read(n, name, baseDir, stateDir, 1_000_000);
        return new SplunkHecSinkConfig(name, "json", url, token, index, source, sourcetype, host, acks, poll,
                ackTimeout, http);
    }
}
