package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.demo.SqlScript;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.FakeElastic;
import dev.rmmaudit.forwarder.testing.FakeSentinel;
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
 * The demo's story through the real pipeline to a syslog receiver, Splunk HEC (with acks), Elasticsearch
 * and Sentinel at once, while each HTTP endpoint misbehaves a little: every endpoint ends with exactly the
 * same event ids, none lost, none stored twice.
 */
class AllSinksIT {
    @TempDir
    Path dir;

    @Test
    void story_reachesEverySink_withTheSameEventIds() throws Exception {
        try (FakeSplunk hec = new FakeSplunk(); FakeElastic es = new FakeElastic("logs-rmm_audit-default");
                FakeSentinel az = new FakeSentinel()) {
            hec.busyAnswers = 2;
            hec.pollsBeforeAck = 2;
            az.throttleFirst = 1;
            es.next429Items.set(1);
            ForwarderFixture f = ForwarderFixture.prepare(dir).select("all").sinks(List.of(
                    new SplunkHecSinkConfig("splunk", "json", hec.url(), new Secret("good-token"), "main", "rmm-audit",
                            "rmm:audit:ecs", "fwd", true, Duration.ofMillis(50), Duration.ofSeconds(30),
                            HttpSettingsForTests.of(dir.resolve("dead-splunk.jsonl"), 500, true, 0)),
                    new ElasticsearchSinkConfig("elastic", "json", es.url(), "logs-rmm_audit-default",
                            new Secret("key"), null, Secret.NONE,
                            HttpSettingsForTests.of(dir.resolve("dead-es.jsonl"), 500, false, 0)),
                    new SentinelSinkConfig("sentinel", "json", az.url(), "dcr-123", "Custom-RmmAudit", "tenant",
                            "client-id", new Secret("s3cret"), az.tokenUrl(), "https://monitor.azure.com//.default",
                            HttpSettingsForTests.of(dir.resolve("dead-az.jsonl"), 500, true, 0))));
            try (f) {
                f.startForwarder();
                for (SqlScript.Step step : SqlScript.resource("samples/automate/story.sql").steps()) {
                    SqlScript.run(f.root, step);
                }
                List<String> syslog = f.receiver.await(18, Duration.ofSeconds(30));
                Thread.sleep(2000);
                Set<String> expected = new HashSet<>();
                for (String m : f.receiver.messages()) {
                    expected.add(CefParser.parse(m).get("externalId"));
                }
                assertTrue(expected.size() >= 18, "events and alerts of the story: " + expected.size());
                assertEquals(f.receiver.messages().size(), expected.size(), "no duplicate over syslog");
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && (new HashSet<>(hec.acknowledged).size() <= expected.size()
                        || es.stored.size() <= expected.size() || az.rows.size() <= expected.size())) {
                    Thread.sleep(100);
                }
                // besides the story, each sink's chain begins with its own forwarder-started event
                Set<String> splunk = new HashSet<>(hec.acknowledged);
                assertTrue(splunk.containsAll(expected), "Splunk (acknowledged)");
                assertEquals(expected.size() + 1, splunk.size(), "Splunk: the story and its chain start");
                assertEquals(expected.size() + 1, hec.acknowledged.size(), "each acknowledged once");
                Set<String> elastic = new HashSet<>(es.stored.keySet());
                elastic.removeIf(id -> es.stored.get(id).path("event").path("action").asText()
                        .equals("forwarder-started"));
                assertEquals(expected, elastic, "Elasticsearch");
                assertTrue(es.requests.size() >= 2, "the item refused with 429 was sent again");
                Set<String> sentinel = new HashSet<>();
                az.rows.stream().filter(r -> !r.get("Action").asText().equals("forwarder-started"))
                        .forEach(r -> sentinel.add(r.get("EventId").asText()));
                assertEquals(expected, sentinel, "Sentinel");
                assertEquals(expected.size() + 1, az.rows.size(), "no row twice in Sentinel");
                assertTrue(syslog.size() >= 18);
            }
        }
    }
}
