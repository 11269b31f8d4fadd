package dev.rmmaudit.forwarder.sink.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.HttpSinkConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.FakeHttp;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSinkTest {
    @TempDir
    Path dir;

    private static List<SecurityEvent> events(int n) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SecurityEvent.builder().id("e" + i).time(Instant.EPOCH).module("automate").action("x").build());
        }
        return out;
    }

    @Test
    void deliver_jsonArrayWithHeaders_andNdjson() throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        List<String> auth = Collections.synchronizedList(new ArrayList<>());
        try (FakeHttp http = new FakeHttp()) {
            http.server.createContext("/hook", x -> {
                auth.add(x.getRequestHeaders().getFirst("X-Api-Key"));
                bodies.add(FakeHttp.body(x));
                FakeHttp.answer(x, 202, "");
            });
            try (WebhookSink s = new WebhookSink(new HttpSinkConfig("hook", "json", http.url() + "/hook", "json",
                    Map.of("X-Api-Key", new Secret("k1")), HttpSettingsForTests.of(dir.resolve("d"), 2, false, 0)))) {
                s.deliver(events(3));
            }
            JsonNode first = new ObjectMapper().readTree(bodies.get(0));
            assertTrue(first.isArray());
            assertEquals(2, first.size());
            assertEquals("e2", new ObjectMapper().readTree(bodies.get(1)).get(0).at("/event/id").asText());
            assertEquals(List.of("k1", "k1"), auth);
            try (WebhookSink s = new WebhookSink(new HttpSinkConfig("hook", "json", http.url() + "/hook", "ndjson",
                    Map.of(), HttpSettingsForTests.of(dir.resolve("d"), 10, true, 0)))) {
                s.deliver(events(2));
            }
            assertEquals(2, bodies.get(2).split("\n").length);
        }
    }

    @Test
    void deliver_bodyBuiltFromParts_isSentWithItsLengthNotChunked() throws Exception {
        List<String> lengths = Collections.synchronizedList(new ArrayList<>());
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        try (FakeHttp http = new FakeHttp()) {
            http.server.createContext("/hook", x -> {
                lengths.add(x.getRequestHeaders().getFirst("Content-Length") + "/"
                        + x.getRequestHeaders().getFirst("Transfer-Encoding"));
                bodies.add(FakeHttp.body(x));
                FakeHttp.answer(x, 200, "");
            });
            try (WebhookSink s = new WebhookSink(new HttpSinkConfig("hook", "json", http.url() + "/hook", "json",
                    Map.of(), HttpSettingsForTests.of(dir.resolve("d"), 100, false, 0)))) {
                s.deliver(events(5));
                s.deliver(List.of());
            }
        }
        String body = bodies.get(0);
        assertEquals(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "/null", lengths.get(0));
        assertEquals(5, new ObjectMapper().readTree(body).size());
        assertTrue(body.startsWith("[{") && body.endsWith("}]") && body.contains("},{"), body);
    }

    @Test
    void deliver_badRequest_isDeadLettered_andNotRetried() throws Exception {
        try (FakeHttp http = new FakeHttp()) {
            int[] calls = {0};
            http.server.createContext("/hook", x -> {
                calls[0]++;
                FakeHttp.answer(x, 400, "{\"error\":\"unknown field\"}");
            });
            try (WebhookSink s = new WebhookSink(new HttpSinkConfig("hook", "json", http.url() + "/hook", "json",
                    Map.of(), HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 10, false, 0)))) {
                s.deliver(events(2));
                assertEquals(2, s.metrics().deadLettered());
            }
            assertEquals(1, calls[0]);
            JsonNode line = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("dead.jsonl")).get(0));
            assertEquals("HTTP 400: {\"error\":\"unknown field\"}", line.get("reason").asText());
            assertEquals("e0", line.at("/event/event/id").asText());
        }
    }

    @Test
    void deliver_serverDownWithFiniteRetries_deadLettersAfterTheLastAttempt() throws Exception {
        try (WebhookSink s = new WebhookSink(new HttpSinkConfig("hook", "json", "http://127.0.0.1:9/nothing", "json",
                Map.of(), HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 10, false, 2)))) {
            s.deliver(events(1));
            assertEquals(1, s.metrics().deadLettered());
            assertTrue(Files.readString(dir.resolve("dead.jsonl")).contains("gave up after 3 attempts"));
        }
    }

    @Test
    void deliver_https_verifiesTheCertificateByDefault_andTrustsAConfiguredCa() throws Exception {
        dev.rmmaudit.forwarder.testing.TestCertificates certs = dev.rmmaudit.forwarder.testing.TestCertificates
                .create(dir, "hook", "IP:127.0.0.1");
        com.sun.net.httpserver.HttpsServer server = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(certs.keystore())) {
            ks.load(in, certs.password());
        }
        kmf.init(ks, certs.password());
        ctx.init(kmf.getKeyManagers(), null, null);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
        int[] calls = {0};
        server.createContext("/hook", x -> {
            calls[0]++;
            FakeHttp.answer(x, 200, "{}");
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/hook";
            dev.rmmaudit.forwarder.config.HttpSettings base = HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 10,
                    false, 1);
            try (WebhookSink untrusted = new WebhookSink(new HttpSinkConfig("hook", "json", url, "json", Map.of(),
                    base))) {
                untrusted.deliver(events(1));
                assertEquals(1, untrusted.metrics().deadLettered(), "an unknown CA is refused");
            }
            assertEquals(0, calls[0]);
            dev.rmmaudit.forwarder.config.HttpSettings withCa = new dev.rmmaudit.forwarder.config.HttpSettings(
                    base.timeout(), new dev.rmmaudit.forwarder.config.TlsConfig(certs.pem(), true),
                    base.maxBatchEvents(), base.maxBatchBytes(), base.maxBatchAge(), false, 1, base.retryInitial(),
                    base.retryMax(), base.deadLetterFile());
            try (WebhookSink trusted = new WebhookSink(new HttpSinkConfig("hook", "json", url, "json", Map.of(),
                    withCa))) {
                trusted.deliver(events(1));
                assertEquals(1, trusted.metrics().sent());
            }
            assertEquals(1, calls[0]);
        } finally {
            server.stop(0);
        }
    }
}
