package dev.rmmaudit.forwarder.sink.splunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.FakeHttp;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a local server that implements HEC's event and ack endpoints, its error codes and slow acks. */
class SplunkHecSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeHttp http;

    /** The fake's behaviour. */
    volatile int busyAnswers;
    volatile int pollsBeforeAck;
    volatile boolean neverAckFirst;
    volatile boolean reverseAcks;
    volatile String token = "good-token";
    volatile int hangFirst;
    /** Real HEC requires a channel only when the token has indexer acknowledgement on. */
    volatile boolean requireChannel = true;
    final List<String> received = Collections.synchronizedList(new ArrayList<>());
    final List<String> channels = Collections.synchronizedList(new ArrayList<>());
    final Map<Long, Integer> pollsSeen = new ConcurrentHashMap<>();
    final AtomicInteger nextAck = new AtomicInteger();
    final AtomicInteger eventRequests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        http = new FakeHttp();
        http.server.createContext("/services/collector/event", this::event);
        http.server.createContext("/services/collector/ack", this::ack);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private void event(HttpExchange x) throws IOException {
        int n = eventRequests.incrementAndGet();
        if (n <= hangFirst) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
            return;
        }
        if (!("Splunk " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            FakeHttp.answer(x, 403, "{\"text\":\"Invalid token\",\"code\":4}");
            return;
        }
        String channel = x.getRequestHeaders().getFirst("X-Splunk-Request-Channel");
        if (channel == null && requireChannel) {
            FakeHttp.answer(x, 400, "{\"text\":\"Data channel is missing\",\"code\":10}");
            return;
        }
        channels.add(channel);
        if (busyAnswers > 0) {
            busyAnswers--;
            FakeHttp.answer(x, 503, "{\"text\":\"Server is busy\",\"code\":9}");
            return;
        }
        String body = FakeHttp.body(x);
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(body)) {
            while (it.hasNext()) {
                JsonNode ev = it.next();
                if (!ev.has("time") || !ev.has("event") || !ev.has("sourcetype")) {
                    FakeHttp.answer(x, 400, "{\"text\":\"Invalid data format\",\"code\":6}");
                    return;
                }
                received.add(ev.at("/event/event/id").asText());
            }
        }
        FakeHttp.answer(x, 200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + nextAck.getAndIncrement() + "}");
    }

    private void ack(HttpExchange x) throws IOException {
        JsonNode req = JSON.readTree(FakeHttp.body(x));
        StringBuilder out = new StringBuilder("{\"acks\":{");
        List<JsonNode> ids = new ArrayList<>();
        req.path("acks").forEach(ids::add);
        if (reverseAcks) {
            Collections.reverse(ids);
        }
        boolean first = true;
        for (JsonNode id : ids) {
            long ackId = id.asLong();
            int polls = pollsSeen.merge(ackId, 1, Integer::sum);
            boolean done = polls > pollsBeforeAck && !(neverAckFirst && ackId == 0);
            if (reverseAcks) {
                done = polls > pollsBeforeAck && ackId != ids.get(ids.size() - 1).asLong() || polls > pollsBeforeAck + 1;
            }
            out.append(first ? "" : ",").append('"').append(ackId).append("\":").append(done);
            first = false;
        }
        FakeHttp.answer(x, 200, out.append("}}").toString());
    }

    private SplunkHecSink sink(boolean acks, int maxEvents, int maxRetries, Duration ackTimeout) {
        return new SplunkHecSink(new SplunkHecSinkConfig("hec", "json", http.url(), new Secret("good-token"), "main",
                "rmm-audit", "rmm:audit:ecs", "fwd", acks, Duration.ofMillis(50), ackTimeout,
                HttpSettingsForTests.of(dir.resolve("dead.jsonl"), maxEvents, false, maxRetries)));
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
        pollsBeforeAck = 3;
        try (SplunkHecSink s = sink(true, 4, 0, Duration.ofSeconds(30))) {
            s.deliver(events(10));
            assertEquals(10, received.size());
            assertEquals(10, s.metrics().sent());
            assertEquals(1, channels.stream().distinct().count(), "one channel per sink instance");
            assertEquals(s.channel(), channels.get(0));
            assertTrue(pollsSeen.values().stream().allMatch(p -> p > 3), "delivered only after acks were true");
        }
    }

    @Test
    void deliver_acksOutOfOrder_stillDeliversEachOnce() throws Exception {
        reverseAcks = true;
        pollsBeforeAck = 1;
        try (SplunkHecSink s = sink(true, 2, 0, Duration.ofSeconds(30))) {
            s.deliver(events(8));
            assertEquals(8, s.metrics().sent());
            assertEquals(8, received.size(), "nothing re-sent");
        }
    }

    @Test
    void deliver_ackNeverComes_resendsThatBatchAfterTheTimeout() throws Exception {
        neverAckFirst = true;
        try (SplunkHecSink s = sink(true, 3, 0, Duration.ofMillis(300))) {
            s.deliver(events(6));
            assertEquals(6, s.metrics().sent(), "each event counted delivered once");
            assertEquals(List.of("id0", "id1", "id2", "id3", "id4", "id5", "id0", "id1", "id2"), received,
                    "only the unacknowledged batch is sent again");
        }
    }

    @Test
    void deliver_busy503Code9_isRetried() throws Exception {
        busyAnswers = 3;
        try (SplunkHecSink s = sink(true, 10, 0, Duration.ofSeconds(30))) {
            s.deliver(events(2));
            assertEquals(2, s.metrics().sent());
            assertEquals(4, eventRequests.get(), "three busy answers, then success");
            assertEquals(3, s.metrics().retries());
        }
    }

    @Test
    void deliver_invalidToken_isPermanent_deadLetteredWithTheCodesMeaning() throws Exception {
        token = "other-token";
        try (SplunkHecSink s = sink(true, 10, 0, Duration.ofSeconds(30))) {
            s.deliver(events(2));
            assertEquals(0, s.metrics().sent());
            assertEquals(2, s.metrics().deadLettered());
            assertEquals(1, eventRequests.get(), "a 403 is not retried");
            String dead = Files.readString(dir.resolve("dead.jsonl"));
            assertTrue(dead.contains("HEC 403 code 4 (invalid token)"), dead);
            assertFalse(dead.contains("good-token"), "the token never appears in the dead-letter file");
        }
    }

    @Test
    void deliver_endpointHangs_timesOutAndRetries() throws Exception {
        hangFirst = 1;
        requireChannel = false;
        try (SplunkHecSink s = sink(false, 10, 0, Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            s.deliver(events(3));
            assertEquals(3, s.metrics().sent());
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "the 800 ms timeout, not the 3 s hang, decided");
        }
    }
}
