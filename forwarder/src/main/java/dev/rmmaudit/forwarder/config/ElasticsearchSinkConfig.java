package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;

/**
 * Elasticsearch or OpenSearch {@code _bulk} into a data stream, with ECS documents. Documents carry the
 * event id as {@code _id}, so a re-sent event is refused as a duplicate (409) instead of stored twice.
 *
 * @param apiKey an API key (sent as {@code Authorization: ApiKey …}), or empty for basic auth or none
 */
public record ElasticsearchSinkConfig(String name, String format, String url, String dataStream, Secret apiKey,
        String username, Secret password, HttpSettings http) implements SinkConfig, HasHttpSettings {

    @Override
    public String type() {
        return "elasticsearch";
    }

    static ElasticsearchSinkConfig read(ConfigNode n, String name, Path baseDir, Path stateDir) {
        String url = HttpSettings.url(n, "url");
        String dataStream = n.string("dataStream", "logs-rmm_audit-default");
        Secret apiKey = n.secret("apiKey");
        String username = n.string("username", null);
        Secret password = n.secret("password");
        if (!apiKey.isEmpty() && username != null) {
            n.child("username").problem("give either apiKey or username/password, not both");
        }
        HttpSettings http = HttpSettings.read(n, name, baseDir, stateDir, 5_000_000);
        return new ElasticsearchSinkConfig(name, "json", url, dataStream, apiKey, username, password, http);
    }
}
