package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;

/**
 * Microsoft Sentinel through the Azure Monitor Logs Ingestion API (a data collection rule and stream).
 *
 * @param endpoint the data collection endpoint (or the DCR's own ingestion endpoint)
 * @param tokenUrl where the OAuth2 client-credentials token comes from (default: Entra ID for the tenant)
 */
public record SentinelSinkConfig(String name, String format, String endpoint, String dcrImmutableId, String stream,
        String tenantId, String clientId, Secret clientSecret, String tokenUrl, String scope, HttpSettings http)
        implements SinkConfig, HasHttpSettings {

    @Override
    public String type() {
        return "sentinel";
    }

    static SentinelSinkConfig read(ConfigNode n, String name, Path baseDir, Path stateDir) {
        String endpoint = HttpSettings.url(n, "endpoint");
        String dcr = n.requiredString("dcrImmutableId");
        String stream = n.string("stream", "Custom-RmmAudit");
        if (!stream.startsWith("Custom-")) {
            n.child("stream").problem("a custom stream name starts with Custom-, not '" + stream + "'");
        }
        String tenant = n.requiredString("tenantId");
        String clientId = n.requiredString("clientId");
        Secret secret = n.secret("clientSecret");
        if (secret.isEmpty()) {
            n.problem("missing 'clientSecret' (write clientSecret: ${SENTINEL_CLIENT_SECRET})");
        }
        String tokenUrl = n.string("tokenUrl", "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
        String scope = n.string("scope", "https://monitor.azure.com//.default");
        HttpSettings http = HttpSettings.read(n, name, baseDir, stateDir, 1_000_000);
        return new SentinelSinkConfig(name, "json", endpoint, dcr, stream, tenant, clientId, secret, tokenUrl, scope,
                http);
    }
}
