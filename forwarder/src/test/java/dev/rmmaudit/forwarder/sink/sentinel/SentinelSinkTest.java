package dev.rmmaudit.forwarder.sink.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.FakeSentinel;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
    FakeSentinel az;

    @BeforeEach
    void start() throws IOException {
        az = new FakeSentinel();
    }

    @AfterEach
    void stop() {
        az.close();
    }

    private SentinelSink sink(Clock clock, int maxEvents) {
        return new SentinelSink(new SentinelSinkConfig("sentinel", "json", az.url(), "dcr-123", "Custom-RmmAudit",
                "tenant", "client-id", new Secret("s3cret"), az.tokenUrl(),
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
            assertEquals(5, az.rows.size());
            assertEquals(1, az.tokensIssued.get(), "one token for both calls");
            JsonNode row = az.rows.get(0);
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
            az.validToken = "revoked";
            s.deliver(events(2, 10));
            assertEquals(4, az.rows.size());
            assertEquals(2, az.tokensIssued.get());
        }
    }

    @Test
    void token_isRefreshedBeforeItExpires() throws Exception {
        az.expiresIn = 600;
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
            assertEquals(1, az.tokensIssued.get());
            now[0] = now[0].plus(Duration.ofMinutes(2));
            s.deliver(events(1, 10));
            assertEquals(2, az.tokensIssued.get(), "refreshed 5 minutes before expiry, without a 401");
        }
    }

    @Test
    void deliver_throttled429_waitsForRetryAfter() throws Exception {
        az.throttleFirst = 1;
        try (SentinelSink s = sink(Clock.systemUTC(), 100)) {
            s.deliver(events(1, 10));
            assertEquals(1, az.rows.size());
            long waited = az.callTimes.get(1) - az.callTimes.get(0);
            assertTrue(waited >= 950_000_000L, "Retry-After: 1 honoured, waited " + waited / 1_000_000 + " ms");
        }
    }

    @Test
    void deliver_largeBatch_isCutIntoCallsUnder1MBAfterGzip() throws Exception {
        try (SentinelSink s = sink(Clock.systemUTC(), 10_000)) {
            s.deliver(events(600, 4000));
            assertEquals(600, az.rows.size());
            assertTrue(az.callSizes.size() >= 2, "calls: " + az.callSizes);
            assertTrue(az.callSizes.stream().allMatch(n -> n <= 1_000_000), "sizes: " + az.callSizes);
        }
    }
}
