package dev.rmmaudit.forwarder.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Splunk HTTP Event Collector on 127.0.0.1 that keeps HEC's contract: token check (403 code 4), channel
 * required with acks (400 code 10), concatenated JSON events (400 code 6), ackIds and
 * {@code /services/collector/ack}, and switches for the failure modes: busy (503 code 9), late, never or
 * out-of-order acks, a hanging first request.
 */
public final class FakeSplunk implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttp http;
    public volatile String token = "good-token";
    public volatile int busyAnswers;
    public volatile int pollsBeforeAck;
    public volatile boolean neverAckFirst;
    public volatile boolean reverseAcks;
    public volatile int hangFirst;
    public volatile boolean requireChannel = true;
    /** Event ids in the order received (a re-send shows twice). */
    public final List<String> received = Collections.synchronizedList(new ArrayList<>());
    /** Event ids whose ack was reported true. */
    public final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    public final List<String> channels = Collections.synchronizedList(new ArrayList<>());
    public final Map<Long, Integer> pollsSeen = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> idsByAck = new ConcurrentHashMap<>();
    private final AtomicInteger nextAck = new AtomicInteger();
    public final AtomicInteger eventRequests = new AtomicInteger();

    public FakeSplunk() throws IOException {
        http = new FakeHttp();
        http.server.createContext("/services/collector/event", this::event);
        http.server.createContext("/services/collector/ack", this::ack);
        http.server.createContext("/services/collector/health", x -> FakeHttp.answer(x, 200,
                "{\"text\":\"HEC is healthy\",\"code\":17}"));
    }

    public String url() {
        return http.url();
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
        channels.add(String.valueOf(channel));
        if (busyAnswers > 0) {
            busyAnswers--;
            FakeHttp.answer(x, 503, "{\"text\":\"Server is busy\",\"code\":9}");
            return;
        }
        String body = FakeHttp.body(x);
        if (body.isBlank()) {
            FakeHttp.answer(x, 400, "{\"text\":\"No data\",\"code\":5}");
            return;
        }
        List<String> ids = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(body)) {
            while (it.hasNext()) {
                JsonNode ev = it.next();
                if (!ev.has("time") || !ev.has("event") || !ev.has("sourcetype")) {
                    FakeHttp.answer(x, 400, "{\"text\":\"Invalid data format\",\"code\":6}");
                    return;
                }
                ids.add(ev.at("/event/event/id").asText());
            }
        }
        received.addAll(ids);
        long ackId = nextAck.getAndIncrement();
        idsByAck.put(ackId, ids);
        FakeHttp.answer(x, 200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}");
    }

    private void ack(HttpExchange x) throws IOException {
        JsonNode req = JSON.readTree(FakeHttp.body(x));
        List<Long> ids = new ArrayList<>();
        req.path("acks").forEach(n -> ids.add(n.asLong()));
        if (reverseAcks) {
            Collections.reverse(ids);
        }
        StringBuilder out = new StringBuilder("{\"acks\":{");
        for (int i = 0; i < ids.size(); i++) {
            long ackId = ids.get(i);
            int polls = pollsSeen.merge(ackId, 1, Integer::sum);
            boolean done = polls > pollsBeforeAck && !(neverAckFirst && ackId == 0);
            if (reverseAcks && i == ids.size() - 1 && ids.size() > 1) {
                done = done && polls > pollsBeforeAck + 1;
            }
            if (done && idsByAck.containsKey(ackId)) {
                acknowledged.addAll(idsByAck.remove(ackId));
            }
            out.append(i == 0 ? "" : ",").append('"').append(ackId).append("\":").append(done);
        }
        FakeHttp.answer(x, 200, out.append("}}").toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
