package dev.rmmaudit.forwarder.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    /** Facts whose per-rule and per-source counts a test sets. */
    private static final class Counts implements HealthServer.Facts {
        final Map<String, Long> rules = new ConcurrentHashMap<>();
        final Map<String, Long> sources = new ConcurrentHashMap<>();

        @Override public Map<String, String> sourceProblems() { return Map.of(); }
        @Override public double secondsSinceLastEvent() { return -1; }
        @Override public Map<String, Map<String, String>> sources() { return Map.of(); }
        @Override public long events() { return 0; }
        @Override public long alerts() { return rules.values().stream().mapToLong(Long::longValue).sum(); }
        @Override public long deadLettered() { return 0; }
        @Override public Map<String, Long> backlog() { return Map.of("siem", 0L); }
        @Override public Map<String, Long> rowsBySource() { return sources; }
        @Override public Map<String, Long> alertsByRule() { return rules; }
        @Override public Map<String, Long> bufferBytes() { return Map.of(); }
    }

    private static String scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void metrics_rulesAndSourcesAppearingLater_getTheirOwnCounters() throws Exception {
        Counts c = new Counts();
        try (HealthServer s = new HealthServer("127.0.0.1", 0, c, List.of())) {
            s.start();
            assertFalse(scrape(s.port()).contains("rmm_audit_alerts_by_rule_total{"));
            c.rules.put("automate_new_superadmin", 3L);
            c.sources.put("screenconnect", 12L);
            String body = scrape(s.port());
            assertTrue(body.contains("rmm_audit_alerts_by_rule_total{rule=\"automate_new_superadmin\"} 3.0"), body);
            assertTrue(body.contains("rmm_audit_events_in_total{source=\"screenconnect\"} 12.0"), body);
        }
    }
}
