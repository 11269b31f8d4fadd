package dev.rmmaudit.forwarder.sink.splunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.FakeSplunk;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a local server that implements HEC's event and ack endpoints, its error codes and slow acks. */
class SplunkHecSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeSplunk hec;

    @BeforeEach
    void start() throws IOException {
        hec = new FakeSplunk();
    }

    @AfterEach
    void stop() {
        hec.close();
    }

    private SplunkHecSink sink(boolean acks, int maxEvents, int maxRetries, Duration ackTimeout) {
        return new SplunkHecSink(new SplunkHecSinkConfig("hec", "json", hec.url(), new Secret("good-token"), "main",
                "rmm-audit", "rmm:audit:ecs", "fwd", acks, Duration.ofMillis(50), ackTimeout,
                HttpSettingsForTests.of(dir.resolve("dead.jsonl"), maxEvents, true, maxRetries)));
    }

    private static List<SecurityEvent> events(int n) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SecurityEvent e = Events.withValue("u" + i);
            out.add(SecurityEvent.builder().id("id" + i).time(e.time()).module("automate").action("user-created")
                    .targetUserName("u" + i).build());
        }
        return out;
    }

    @Test
    void deliver_withAcks_returnsOnlyWhenIndexed_onOneChannel() throws Exception {
        hec.pollsBeforeAck = 3;
        try (SplunkHecSink s = sink(true, 4, 0, Duration.ofSeconds(30))) {
            s.deliver(events(10));
            assertEquals(10, hec.received.size());
            assertEquals(10, s.metrics().sent());
            assertEquals(1, hec.channels.stream().distinct().count(), "one channel per sink instance");
            assertEquals(s.channel(), hec.channels.get(0));
            assertTrue(hec.pollsSeen.values().stream().allMatch(p -> p > 3), "delivered only after acks were true");
        }
    }

    @Test
    void deliverAsync_withAcks_returnsWhenSent_sendsMoreMeanwhile_andCompletesWhenIndexed() throws Exception {
        hec.pollsBeforeAck = 4; // acknowledged on the fifth poll, 50 ms apart
        try (SplunkHecSink s = sink(true, 5, 0, Duration.ofSeconds(30))) {
            java.util.concurrent.CompletableFuture<Void> first = s.deliverAsync(events(5));
            java.util.concurrent.CompletableFuture<Void> second = s.deliverAsync(events(5));
            assertEquals(2, hec.eventRequests.get(), "the second batch went out before the first was acknowledged");
            assertFalse(first.isDone(), "not delivered before Splunk acknowledged it");
            assertEquals(0, s.metrics().sent());
            java.util.concurrent.CompletableFuture.allOf(first, second).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(10, s.metrics().sent());
            assertEquals(10, hec.acknowledged.size());
            assertTrue(hec.pollsSeen.values().stream().allMatch(p -> p > 4));
        }
    }

    @Test
    void close_withBatchesAwaitingAcks_failsTheirFutures() throws Exception {
        hec.neverAckFirst = true;
        java.util.concurrent.CompletableFuture<Void> f;
        try (SplunkHecSink s = sink(true, 5, 0, Duration.ofMinutes(5))) {
            f = s.deliverAsync(events(3));
        }
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> f.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof InterruptedException, e.toString());
    }

    @Test
    void deliver_acksOutOfOrder_stillDeliversEachOnce() throws Exception {
        hec.reverseAcks = true;
        hec.pollsBeforeAck = 1;
        try (SplunkHecSink s = sink(true, 2, 0, Duration.ofSeconds(30))) {
            s.deliver(events(8));
            assertEquals(8, s.metrics().sent());
            assertEquals(8, hec.received.size(), "nothing re-sent");
        }
    }

    @Test
    void deliver_ackNeverComes_resendsThatBatchAfterTheTimeout() throws Exception {
        hec.neverAckFirst = true;
        try (SplunkHecSink s = sink(true, 3, 0, Duration.ofMillis(300))) {
            s.deliver(events(6));
            assertEquals(6, s.metrics().sent(), "each event counted delivered once");
            assertEquals(List.of("id0", "id1", "id2", "id3", "id4", "id5", "id0", "id1", "id2"), hec.received,
                    "only the unacknowledged batch is sent again");
        }
    }

    @Test
    void deliver_busy503Code9_isRetried() throws Exception {
        hec.busyAnswers = 3;
        try (SplunkHecSink s = sink(true, 10, 0, Duration.ofSeconds(30))) {
            s.deliver(events(2));
            assertEquals(2, s.metrics().sent());
            assertEquals(4, hec.eventRequests.get(), "three busy answers, then success");
            assertEquals(3, s.metrics().retries());
        }
    }

    @Test
    void deliver_invalidToken_isPermanent_deadLetteredWithTheCodesMeaning() throws Exception {
        hec.token = "other-token";
        try (SplunkHecSink s = sink(true, 10, 0, Duration.ofSeconds(30))) {
            s.deliver(events(2));
            assertEquals(0, s.metrics().sent());
            assertEquals(2, s.metrics().deadLettered());
            assertEquals(1, hec.eventRequests.get(), "a 403 is not retried");
            String dead = Files.readString(dir.resolve("dead.jsonl"));
            assertTrue(dead.contains("HEC 403 code 4 (invalid token)"), dead);
            assertFalse(dead.contains("good-token"), "the token never appears in the dead-letter file");
        }
    }

    @Test
    void deliver_endpointHangs_timesOutAndRetries() throws Exception {
        hec.hangFirst = 1;
        hec.requireChannel = false;
        try (SplunkHecSink s = sink(false, 10, 0, Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            s.deliver(events(3));
            assertEquals(3, s.metrics().sent());
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "the 800 ms timeout, not the 3 s hang, decided");
        }
    }

    @Test
    void deliverAsync_withoutAcks_isDoneWhenSent_andNeverPolls() throws Exception {
        hec.requireChannel = false;
        try (SplunkHecSink s = sink(false, 4, 0, Duration.ofSeconds(30))) {
            java.util.concurrent.CompletableFuture<Void> f = s.deliverAsync(events(9));
            assertTrue(f.isDone() && !f.isCompletedExceptionally(), "HEC answered 200: nothing left to wait for");
            assertEquals(3, hec.eventRequests.get());
            assertEquals(9, s.metrics().sent());
            Thread.sleep(150);
            assertTrue(hec.pollsSeen.isEmpty(), "no ack polls without acks");
        }
    }

    @Test
    void deliverAsync_resentAfterAckTimeoutAndThenRefused_isDeadLetteredAndDone() throws Exception {
        hec.neverAckFirst = true;
        try (SplunkHecSink s = sink(true, 3, 0, Duration.ofMillis(200))) {
            List<SecurityEvent> events = new ArrayList<>(events(2));
            events.add(Events.withValue("\"},\"x\":{\"\u0000😀\r\n|="));
            java.util.concurrent.CompletableFuture<Void> f = s.deliverAsync(events);
            hec.token = "rotated"; // the re-send after the ack timeout meets 403 invalid token
            f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(3, s.metrics().deadLettered());
            List<String> lines = Files.readAllLines(dir.resolve("dead.jsonl"));
            assertEquals(3, lines.size());
            // only the encoded request was kept for the re-send; the dead letters still hold each event's ECS
            dev.rmmaudit.forwarder.encode.EcsJsonEncoder ecs = new dev.rmmaudit.forwarder.encode.EcsJsonEncoder();
            for (int i = 0; i < 3; i++) {
                com.fasterxml.jackson.databind.JsonNode line = JSON.readTree(lines.get(i));
                assertTrue(line.get("reason").asText().contains("invalid token"), lines.get(i));
                assertEquals(ecs.toEcs(events.get(i)), line.get("event"));
            }
        }
    }

    @Test
    void epochSeconds_anyInstant_isSecondsDotMillis() {
        assertEquals("1505768576.379", SplunkHecSink.epochSeconds(java.time.Instant.ofEpochMilli(1505768576379L)));
        assertEquals("1505768576.000", SplunkHecSink.epochSeconds(java.time.Instant.ofEpochSecond(1505768576L)));
        assertEquals("0.007", SplunkHecSink.epochSeconds(java.time.Instant.ofEpochMilli(7)));
        assertEquals("-0.001", SplunkHecSink.epochSeconds(java.time.Instant.ofEpochMilli(-1)));
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 10_000; i++) {
            long ms = i < 5000 ? random.nextLong() : random.nextInt(2_000_001) - 1_000_000;
            assertEquals(java.math.BigDecimal.valueOf(ms, 3).toPlainString(),
                    SplunkHecSink.epochSeconds(java.time.Instant.ofEpochMilli(ms)), "ms " + ms);
        }
        assertEquals("-9223372036854775.808", SplunkHecSink.epochSeconds(java.time.Instant.ofEpochMilli(Long.MIN_VALUE)));
    }

    @Test
    void encode_envelopeInOrder_withTheEcsDocumentByteForByte() throws Exception {
        dev.rmmaudit.forwarder.encode.EcsJsonEncoder ecs = new dev.rmmaudit.forwarder.encode.EcsJsonEncoder();
        try (SplunkHecSink s = sink(true, 10, 0, Duration.ofSeconds(30))) {
            for (SecurityEvent e : List.of(events(1).get(0), Events.withValue("\"},\"x\":{\"\u0000😀"))) {
                String hec = new String(s.encode(e), java.nio.charset.StandardCharsets.UTF_8);
                com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(hec);
                assertEquals(List.of("time", "host", "source", "sourcetype", "index", "event", "fields"),
                        fieldNames(n));
                assertEquals(e.time().toEpochMilli() / 1000.0, n.get("time").asDouble());
                assertTrue(hec.startsWith("{\"time\":" + e.time().getEpochSecond() + "."), "seconds.millis: " + hec);
                assertTrue(hec.matches("\\{\"time\":\\d+\\.\\d{3},.*"), hec);
                assertEquals("fwd", n.get("host").asText());
                assertEquals("main", n.get("index").asText());
                // the bytes the tree gave before (as UTF-8 JSON: characters beyond the BMP escaped)
                String tree = new String(JSON.writeValueAsBytes(ecs.toEcs(e)), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(hec.contains("\"event\":" + tree + ",\"fields\":{\"event_kind\":\"event\","
                        + "\"event_action\":"), hec);
                assertEquals(JSON.readTree(ecs.encode(e)), n.get("event"));
                assertFalse(hec.contains("\n"), "one line per event");
            }
        }
    }

    @Test
    void encode_noHostConfigured_hostIsEachEventsOriginServerAndConstantsAreEscaped() throws Exception {
        try (SplunkHecSink s = new SplunkHecSink(new SplunkHecSinkConfig("hec", "json", hec.url(), new Secret("t"),
                null, "src \"quoted\" \\ \u0001", "type/ü", null, false, Duration.ofMillis(50), Duration.ofSeconds(30),
                HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 10, true, 0)))) {
            List<String> servers = new ArrayList<>(List.of("a:3306", "b:3306", "a:3306", "c\"}:1"));
            servers.add(null); // an event without an origin
            for (String server : servers) {
                SecurityEvent.Builder b = SecurityEvent.builder().id("x").time(java.time.Instant.ofEpochMilli(1234))
                        .module("automate").action("user-created");
                if (server != null) {
                    b.origin(new SecurityEvent.Origin(server, "labtech", "users", "binlog.000001:4:0"));
                }
                SecurityEvent e = b.build();
                com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(s.encode(e));
                assertEquals(List.of("time", "host", "source", "sourcetype", "event", "fields"), fieldNames(n));
                assertEquals(server == null ? "rmm-audit" : server, n.get("host").asText());
                assertEquals("src \"quoted\" \\ \u0001", n.get("source").asText());
                assertEquals("type/ü", n.get("sourcetype").asText());
                assertEquals(e.kind().label(), n.get("fields").get("event_kind").asText());
                assertEquals("user-created", n.get("fields").get("event_action").asText());
            }
        }
    }

    private static List<String> fieldNames(com.fasterxml.jackson.databind.JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
