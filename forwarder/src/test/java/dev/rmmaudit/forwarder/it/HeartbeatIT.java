package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats over real TCP syslog: one every interval to a sink that selects only events, on a quiet binlog as on
 * a busy one, carrying the committed binlog position and what was sent.
 */
class HeartbeatIT {
    @TempDir
    Path dir;

    private static List<CefParser.Cef> beats(ForwarderFixture f) {
        return List.copyOf(f.receiver.messages()).stream().map(CefParser::parse)
                .filter(c -> "forwarder-heartbeat".equals(c.get("act"))).toList();
    }

    @Test
    void quietAndBusy_aHeartbeatEveryIntervalWithThePositionAndCounts() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir)) {
            f.heartbeat(Duration.ofSeconds(1)).startForwarder();
            f.sql("UPDATE users SET Name = 'alicia' WHERE Name = 'alice'");
            long start = System.nanoTime();
            while (beats(f).size() < 4 && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                Thread.sleep(50);
            }
            List<CefParser.Cef> beats = beats(f);
            assertTrue(beats.size() >= 4, "heartbeats: " + beats.size());
            for (int i = 1; i < beats.size(); i++) { // one an interval apart, however long the start took
                long gap = Long.parseLong(beats.get(i).get("rt")) - Long.parseLong(beats.get(i - 1).get("rt"));
                assertTrue(gap >= 900 && gap < 2_500, "about one a second: " + gap + " ms between two");
            }
            CefParser.Cef last = beats.get(beats.size() - 1);
            assertEquals("1", last.header().get(6), "severity 1");
            String details = last.get("cs5");
            assertTrue(details.contains("\"source.automate.position\":\"binlog."), details);
            assertTrue(details.contains("\"heartbeat.events\":\"1\""), "the rename was sent: " + details);
            assertTrue(details.contains("\"sink.siem.backlog\":\"0\""), details);
            assertTrue(details.contains("\"heartbeat.host\":"), details);
        }
    }
}
