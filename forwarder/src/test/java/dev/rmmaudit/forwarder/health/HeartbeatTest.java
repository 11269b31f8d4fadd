package dev.rmmaudit.forwarder.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
    private static final Heartbeat.Status STATUS = new Heartbeat.Status() {
        @Override
        public Map<String, Map<String, String>> sources() {
            return Map.of("automate", Map.of("position", "binlog.000003:4711", "lag_seconds", "2"));
        }

        @Override
        public long events() {
            return 42;
        }

        @Override
        public long alerts() {
            return 3;
        }

        @Override
        public long deadLettered() {
            return 1;
        }

        @Override
        public Map<String, Long> backlog() {
            return Map.of("siem", 0L, "Splunk HEC", 17L);
        }
    };

    @Test
    void beat_carriesWhatTheSocNeedsInEcsAndCef() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
        Heartbeat h = new Heartbeat(Duration.ofSeconds(60), STATUS, e -> { }, clock, "automate-01");
        SecurityEvent e = h.beat();
        assertEquals("forwarder-heartbeat", e.action());
        assertEquals("forwarder", e.module());
        assertEquals(1, e.severity());
        assertEquals("automate-01", e.attributes().get("heartbeat.host"));
        assertEquals("binlog.000003:4711", e.attributes().get("source.automate.position"));
        assertEquals("2", e.attributes().get("source.automate.lag_seconds"));
        assertEquals("17", e.attributes().get("sink.splunk_hec.backlog"));
        assertEquals("42", e.attributes().get("heartbeat.events"));
        assertEquals("60", e.attributes().get("heartbeat.interval_seconds"));
        String ecs = Encoder.forFormat("json").encode(e);
        assertTrue(ecs.contains("\"dataset\":\"forwarder.heartbeat\""), ecs);
        String cef = Encoder.forFormat("cef").encode(e);
        assertTrue(cef.contains("|forwarder-heartbeat|Forwarder heartbeat|1|"), cef);
        SecurityEvent next = h.beat();
        assertEquals("2", next.attributes().get("heartbeat.number"));
        assertNotEquals(e.id(), next.id(), "each heartbeat its own id");
    }
}
