package dev.rmmaudit.forwarder.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.testing.FakeElastic;
import dev.rmmaudit.forwarder.testing.FakeSentinel;
import dev.rmmaudit.forwarder.testing.FakeSplunk;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink probes against local servers of the HEC, Elasticsearch and Sentinel contracts: no event is sent. */
class SinkProbesTest {
    @TempDir
    Path dir;

    private SplunkHecSinkConfig hec(String url, String token) {
        return new SplunkHecSinkConfig("hec", "json", url, new Secret(token), "main", "rmm-audit", "rmm:audit:ecs",
                "fwd", true, Duration.ofMillis(50), Duration.ofSeconds(5), HttpSettingsForTests.of(dir.resolve(
                "dead.jsonl"), 100, false, 0));
    }

    @Test
    void probe_splunkGoodAndBadToken_okAndFailAndNothingSent() throws Exception {
        try (FakeSplunk splunk = new FakeSplunk()) {
            CheckResult good = SinkProbes.probe(hec(splunk.url(), "good-token"));
            assertEquals(CheckResult.Status.OK, good.status(), good.toString());
            CheckResult bad = SinkProbes.probe(hec(splunk.url(), "stolen-or-typo"));
            assertEquals(CheckResult.Status.FAIL, bad.status(), bad.toString());
            assertTrue(bad.detail().contains("refuses the token (403)"), bad.detail());
            assertFalse(bad.toString().contains("stolen-or-typo"), "the token is never shown");
            assertEquals(0, splunk.received.size(), "no event was sent");
        }
    }

    @Test
    void probe_elasticsearchCredentials_okOr401() throws Exception {
        try (FakeElastic es = new FakeElastic("logs-rmm_audit-default")) {
            es.requiredAuth = "ApiKey a2V5OnNlY3JldA==";
            ElasticsearchSinkConfig good = new ElasticsearchSinkConfig("es", "json", es.url(), "logs-rmm_audit-default",
                    new Secret("a2V5OnNlY3JldA=="), null, Secret.NONE, HttpSettingsForTests.of(dir.resolve("d.jsonl"),
                    100, false, 0));
            assertEquals(CheckResult.Status.OK, SinkProbes.probe(good).status());
            ElasticsearchSinkConfig bad = new ElasticsearchSinkConfig("es", "json", es.url(), "logs-rmm_audit-default",
                    new Secret("d3Jvbmc="), null, Secret.NONE, HttpSettingsForTests.of(dir.resolve("d.jsonl"), 100,
                    false, 0));
            CheckResult r = SinkProbes.probe(bad);
            assertEquals(CheckResult.Status.FAIL, r.status());
            assertTrue(r.remedy().contains("apiKey"), r.remedy());
            assertTrue(es.stored.isEmpty(), "no document was indexed");
        }
    }

    @Test
    void probe_sentinelSecret_grantedOrRefused() throws Exception {
        try (FakeSentinel az = new FakeSentinel()) {
            for (String secret : new String[] {"s3cret", "Wr0ng-s3cret-value"}) {
                CheckResult r = SinkProbes.probe(new SentinelSinkConfig("sentinel", "json", az.url(), "dcr-123",
                        "Custom-RmmAudit", "tenant", "client-id", new Secret(secret), az.tokenUrl(),
                        "https://monitor.azure.com//.default", HttpSettingsForTests.of(dir.resolve("d.jsonl"), 100,
                        true, 0)));
                assertEquals(secret.equals("s3cret") ? CheckResult.Status.OK : CheckResult.Status.FAIL, r.status(),
                        r.toString());
                assertFalse(r.toString().contains(secret), "the secret is never shown");
            }
            assertTrue(az.rows.isEmpty(), "no row was ingested");
        }
    }
}
