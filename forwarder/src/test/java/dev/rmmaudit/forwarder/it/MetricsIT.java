package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics read by a real Prometheus text-format parser (the Python client's, from Debian) shows the counters
 * moving; /health turns 503 naming the sink while a sink is down and 200 after it recovers.
 */
class MetricsIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The samples of a scrape as the Prometheus client's parser reads them: name{labels} to value. */
    private Map<String, Double> parse(String scrape) throws Exception {
        Path f = dir.resolve("scrape.txt");
        Files.writeString(f, scrape);
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import sys\n"
                + "from prometheus_client.parser import text_string_to_metric_families\n"
                + "for fam in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
                + "    for s in fam.samples:\n"
                + "        labels = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))\n"
                + "        print(s.name + '{' + labels + '} ' + repr(float(s.value)))\n", f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the parser refused the scrape: " + out);
        Map<String, Double> samples = new HashMap<>();
        out.lines().forEach(l -> samples.put(l.substring(0, l.lastIndexOf(' ')), Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))));
        return samples;
    }

    @Test
    void metricsAndHealth_countersMoveAndASinkDownIs503UntilItRecovers() throws Exception {
        boolean parser = Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c",
                "import prometheus_client").start().waitFor() == 0;
        Assumptions.assumeTrue(parser || System.getenv("CI") != null,
                "skipped: no Prometheus parser (apt-get install python3-prometheus-client)");
        SyslogReceiver second = SyslogReceiver.tcp(0);
        int secondPort = second.port();
        try (ForwarderFixture f = ForwarderFixture.prepare(dir)) {
            f.metrics().sinks(List.of(new SyslogSinkConfig("backup", "cef", "tcp", "127.0.0.1", secondPort,
                    "octet-counting", "5424", 10, "rmm-audit", "fwd", 65536, Duration.ofSeconds(2),
                    Duration.ofMillis(20), Duration.ofMillis(200), TlsConfig.DEFAULT))).startForwarder();
            int port = f.forwarder().metricsPort();
            assertEquals(200, get(port, "/health").statusCode(), get(port, "/health").body());
            HttpResponse<String> first = get(port, "/metrics");
            assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            Map<String, Double> before = parse(first.body());
            assertEquals(0.0, before.get("rmm_audit_events_out_total{}"), before.toString());
            assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "the JVM");

            f.expect(1, "UPDATE users SET Name = 'alicia' WHERE Name = 'alice'");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Map<String, Double> after = parse(get(port, "/metrics").body());
            while (after.get("rmm_audit_sink_sent_total{sink=backup}") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = parse(get(port, "/metrics").body());
            }
            assertEquals(1.0, after.get("rmm_audit_events_out_total{}"), after.toString());
            assertTrue(after.get("rmm_audit_events_in_total{source=automate}") >= 1, after.toString());
            // the rename, after the chain's forwarder-started event
            assertEquals(2.0, after.get("rmm_audit_sink_sent_total{sink=siem}"));
            assertEquals(2.0, after.get("rmm_audit_sink_sent_total{sink=backup}"));

            second.close(); // the backup SIEM goes down
            f.sql("UPDATE users SET Name = 'bobby' WHERE Name = 'bob'");
            HttpResponse<String> health = get(port, "/health");
            deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (health.statusCode() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                health = get(port, "/health");
            }
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("sink backup"), health.body());
            assertFalse(health.body().contains("sink siem"), health.body());

            try (SyslogReceiver back = SyslogReceiver.tcp(secondPort)) { // and comes back
                deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (get(port, "/health").statusCode() != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(200, get(port, "/health").statusCode(), get(port, "/health").body());
                assertTrue(parse(get(port, "/metrics").body()).get("rmm_audit_sink_failures_total{sink=backup}") > 0);
            }
        }
    }
}
