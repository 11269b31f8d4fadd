package dev.rmmaudit.forwarder.sink.sentinel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.sink.HttpDelivery;
import dev.rmmaudit.forwarder.sink.Verdict;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An OAuth2 client-credentials token for the Logs Ingestion API, fetched when needed, kept until five
 * minutes before it expires, and dropped at once when the API answers 401 (expired or revoked).
 */
final class TokenCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration MARGIN = Duration.ofMinutes(5);

    private final SentinelSinkConfig config;
    private final HttpDelivery http;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    TokenCache(SentinelSinkConfig config, HttpDelivery http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
    }

    synchronized String get() throws InterruptedException {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            fetch();
        }
        return token;
    }

    synchronized void invalidate() {
        token = null;
    }

    private void fetch() throws InterruptedException {
        HttpDelivery.Result r = http.send(() -> request(config),
                resp -> Verdict.ofStatus(resp.statusCode(), "", resp.headers().firstValue("Retry-After").orElse(null)));
        if (r.verdict().kind() != Verdict.Kind.DELIVERED) {
            // the body of a refused token request may echo what was sent: never log it
            throw new IllegalStateException("sink " + config.name() + ": no token from " + config.tokenUrl() + " ("
                    + r.verdict().reason() + "); check tenantId, clientId and clientSecret");
        }
        try {
            JsonNode n = JSON.readTree(r.response().body());
            token = n.path("access_token").asText(null);
            long expires = n.path("expires_in").asLong(3600);
            refreshAt = clock.instant().plusSeconds(expires).minus(MARGIN);
            if (token == null) {
                throw new IllegalStateException("the token answer has no access_token");
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("sink " + config.name() + ": unreadable token answer", e);
        }
    }

    /**
     * The client-credentials token request (built plainly: the sink's gzip setting is for ingestion bodies, not for
     * this form). Also what {@code forwarder check} sends to prove the credentials without sending an event.
     */
    static HttpRequest request(SentinelSinkConfig config) {
        String form = "grant_type=client_credentials&client_id=" + enc(config.clientId()) + "&client_secret="
                + enc(config.clientSecret().reveal()) + "&scope=" + enc(config.scope());
        return HttpRequest.newBuilder(URI.create(config.tokenUrl()))
                .timeout(config.http().timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
