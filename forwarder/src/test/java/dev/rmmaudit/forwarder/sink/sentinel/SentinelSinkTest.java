package dev.rmmaudit.forwarder.sink.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.FakeHttp;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a local server that plays Entra ID's token endpoint and the Logs Ingestion API: gzip JSON arrays,
 * 1 MB per call, 204 on success, 401 for an expired token, 429 with Retry-After.
 */
class SentinelSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeHttp http;
    final AtomicInteger tokensIssued = new AtomicInteger();
    volatile String validToken;
    volatile int throttleFirst;
    volatile long expiresIn = 3600;
    final List<JsonNode> rows = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
    final List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        http = new FakeHttp();
        http.server.createContext("/tenant/oauth2/v2.0/token", this::token);
        http.server.createContext("/dataCollectionRules/dcr-123/streams/Custom-RmmAudit", this::ingest);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private void token(HttpExchange x) throws IOException {
        String form = FakeHttp.body(x);
        if (!form.contains("grant_type=client_credentials") || !form.contains("client_secret=s3cret")
                || !form.contains("scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default")) {
            FakeHttp.answer(x, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        validToken = "token-" + tokensIssued.incrementAndGet();
        FakeHttp.answer(x, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"access_token\":\""
                + validToken + "\"}");
    }

    private void ingest(HttpExchange x) throws IOException {
        callTimes.add(System.nanoTime());
        if (!x.getRequestURI().getQuery().equals("api-version=2023-01-01")) {
            FakeHttp.answer(x, 400, "{\"error\":\"api-version\"}");
            return;
        }
        if (!("Bearer " + validToken).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            FakeHttp.answer(x, 401, "{\"error\":{\"code\":\"InvalidToken\"}}");
            return;
        }
        if (throttleFirst > 0) {
            throttleFirst--;
            x.getResponseHeaders().set("Retry-After", "1");
            FakeHttp.answer(x, 429, "{\"error\":{\"code\":\"TooManyRequests\"}}");
            return;
        }
        byte[] raw = x.getRequestBody().readAllBytes();
        if (raw.length > 1_000_000) {
            FakeHttp.answer(x, 413, "{\"error\":\"payload too large\"}");
            return;
        }
        callSizes.add(raw.length);
        String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        JSON.readTree(body).forEach(rows::add);
        FakeHttp.answer(x, 204, "");
    }

    private SentinelSink sink(Clock clock, int maxEvents) {
        return new SentinelSink(new SentinelSinkConfig("sentinel", "json", http.url(), "dcr-123", "Custom-RmmAudit",
                "tenant", "client-id", new Secret("s3cret"), http.url() + "/tenant/oauth2/v2.0/token",
                "https://monitor.azure.com//.default", HttpSettingsForTests.of(dir.resolve("dead.jsonl"), maxEvents,
                        true, 0)), clock);
    }

    private static List<SecurityEvent> events(int n, int messageSize) {
        List<SecurityEvent> out = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            StringBuilder m = new StringBuilder();
            for (int j = 0; j < messageSize; j++) {
                m.append((char) ('a' + rnd.nextInt(26)));
            }
            out.add(SecurityEvent.builder().id("e" + i).time(Instant.parse("2026-11-21T10:00:00Z")).module("automate")
                    .action("user-created").category("iam").targetUserName("u" + i).message(m.toString()).build());
        }
        return out;
    }

    @Test
    void deliver_rowsMatchTheStreamAndTheTokenIsCached() throws Exception {
        try (SentinelSink s = sink(Clock.systemUTC(), 100)) {
            s.deliver(events(3, 10));
            s.deliver(events(2, 10));
            assertEquals(5, rows.size());
            assertEquals(1, tokensIssued.get(), "one token for both calls");
            JsonNode row = rows.get(0);
            assertEquals("2026-11-21T10:00:00Z", row.get("TimeGenerated").asText());
            assertEquals("e0", row.get("EventId").asText());
            assertEquals("user-created", row.get("Action").asText());
            assertEquals("u0", row.get("TargetUser").asText());
        }
    }

    @Test
    void deliver_tokenExpiresMidStream_fetchesANewOneAndLosesNothing() throws Exception {
        try (SentinelSink s = sink(Clock.systemUTC(), 100)) {
            s.deliver(events(2, 10));
            validToken = "revoked";
            s.deliver(events(2, 10));
            assertEquals(4, rows.size());
            assertEquals(2, tokensIssued.get());
        }
    }

    @Test
    void token_isRefreshedBeforeItExpires() throws Exception {
        expiresIn = 600;
        Instant[] now = {Instant.parse("2026-11-21T10:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        try (SentinelSink s = sink(clock, 100)) {
            s.deliver(events(1, 10));
            now[0] = now[0].plus(Duration.ofMinutes(4));
            s.deliver(events(1, 10));
            assertEquals(1, tokensIssued.get());
            now[0] = now[0].plus(Duration.ofMinutes(2));
            s.deliver(events(1, 10));
            assertEquals(2, tokensIssued.get(), "refreshed 5 minutes before expiry, without a 401");
        }
    }

    @Test
    void deliver_throttled429_waitsForRetryAfter() throws Exception {
        throttleFirst = 1;
        try (SentinelSink s = sink(Clock.systemUTC(), 100)) {
            s.deliver(events(1, 10));
            assertEquals(1, rows.size());
            long waited = callTimes.get(1) - callTimes.get(0);
            assertTrue(waited >= 950_000_000L, "Retry-After: 1 honoured, waited " + waited / 1_000_000 + " ms");
        }
    }

    @Test
    void deliver_largeBatch_isCutIntoCallsUnder1MBAfterGzip() throws Exception {
        try (SentinelSink s = sink(Clock.systemUTC(), 10_000)) {
            s.deliver(events(600, 4000));
            assertEquals(600, rows.size());
            assertTrue(callSizes.size() >= 2, "calls: " + callSizes);
            assertTrue(callSizes.stream().allMatch(n -> n <= 1_000_000), "sizes: " + callSizes);
        }
    }
}
