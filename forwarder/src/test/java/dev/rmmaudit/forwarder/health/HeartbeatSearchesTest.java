package dev.rmmaudit.forwarder.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The searches shipped in packaging/health look for what the heartbeat is, and the Elastic rule is valid JSON. */
class HeartbeatSearchesTest {
    private static final Path DIR = Path.of("..", "packaging", "health");

    @Test
    void searches_nameTheHeartbeatAndThreeIntervals() throws Exception {
        JsonNode rule = new ObjectMapper().readTree(DIR.resolve("elastic-heartbeat-missing.json").toFile());
        assertEquals(".es-query", rule.path("rule_type_id").asText());
        assertTrue(rule.path("params").path("esQuery").asText().contains("\"" + Heartbeat.ACTION + "\""));
        assertEquals("forwarder.heartbeat.host", rule.path("params").path("termField").asText());
        assertEquals(3, rule.path("params").path("timeWindowSize").asInt());
        String spl = Files.readString(DIR.resolve("splunk-savedsearches.conf"));
        assertTrue(spl.contains(Heartbeat.ACTION) && spl.contains("\"-3m\""), spl);
        assertTrue(spl.lines().filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("[")
                && !l.startsWith("|")).allMatch(l -> l.contains(" = ") || l.startsWith("search =")),
                "every setting is key = value");
        JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("grafana-dashboard.json").toFile());
        assertTrue(dashboard.path("panels").size() >= 5);
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                assertTrue(t.path("expr").asText().matches(".*(rmm_audit_|jvm_).*"), t.toString());
            }
        }
        String kql = Files.readString(DIR.resolve("sentinel-heartbeat-missing.kql"));
        assertTrue(kql.contains("\"" + Heartbeat.ACTION + "\"") && kql.contains("3 * interval"), kql);
    }
}
