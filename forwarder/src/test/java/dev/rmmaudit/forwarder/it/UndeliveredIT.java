package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.FakeSplunk;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binlog position is never committed past an event some sink has not delivered: while Splunk is busy,
 * syslog gets the events at once, the forwarder stops without committing them, and after a restart Splunk
 * gets every one of them.
 */
class UndeliveredIT {
    @TempDir
    Path dir;

    @Test
    void sinkDownAtStop_getsTheEventsAfterRestart() throws Exception {
        try (FakeSplunk hec = new FakeSplunk()) {
            hec.busyAnswers = Integer.MAX_VALUE;
            ForwarderFixture f = ForwarderFixture.prepare(dir).drainTimeout(Duration.ofSeconds(2)).sinks(List.of(
                    new SplunkHecSinkConfig("splunk", "json", hec.url(), new Secret("good-token"), null, "rmm-audit",
                            "rmm:audit:ecs", null, true, Duration.ofMillis(50), Duration.ofSeconds(30),
                            HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 500, false, 0))));
            try (f) {
                f.startForwarder();
                f.sql("UPDATE users SET Name = 'alicia' WHERE Name = 'alice'",
                        "DELETE FROM users WHERE Name = 'frank'");
                List<String> syslog = f.receiver.await(2, Duration.ofSeconds(20));
                assertEquals(2, syslog.size(), "the healthy sink is not held back");
                Set<String> ids = new HashSet<>();
                syslog.forEach(m -> ids.add(CefParser.parse(m).get("externalId")));
                assertTrue(hec.acknowledged.isEmpty());
                f.stopForwarder();
                hec.busyAnswers = 0;
                f.startForwarder();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && !new HashSet<>(hec.acknowledged).containsAll(ids)) {
                    Thread.sleep(100);
                }
                // Splunk also gets the user-deleted alert, which this syslog receiver does not select
                assertTrue(new HashSet<>(hec.acknowledged).containsAll(ids), "Splunk gets what it had not delivered: "
                        + hec.acknowledged + " vs " + ids);
                assertTrue(f.receiver.messages().size() <= 4, "syslog re-sends at most what was in flight: "
                        + f.receiver.messages().size());
            }
        }
    }
}
