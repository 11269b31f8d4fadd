package dev.rmmaudit.forwarder.sink.splunk;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Batches;
import dev.rmmaudit.forwarder.sink.HttpDelivery;
import dev.rmmaudit.forwarder.sink.HttpSinkBase;
import dev.rmmaudit.forwarder.sink.Verdict;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splunk HTTP Event Collector. A batch is JSON objects concatenated ({@code time}, {@code host},
 * {@code source}, {@code sourcetype}, {@code index}, {@code event} = the ECS document, {@code fields}).
 * With indexer acknowledgement (the default), every request carries this sink's channel GUID, Splunk
 * answers with an {@code ackId}, and a batch counts as delivered only when {@code /services/collector/ack}
 * says it is indexed; a batch whose ack does not come within {@code ackTimeout} is sent again. HEC's error
 * codes decide: 503/code 9 (busy) and 5xx are retried, 400/401/403 are reported with their meaning and the
 * batch goes to the dead-letter file.
 */
public final class SplunkHecSink extends HttpSinkBase {
    private static final Logger LOG = LoggerFactory.getLogger(SplunkHecSink.class);
    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(1, "token disabled"), Map.entry(2, "token is required"),
            Map.entry(3, "invalid authorization"), Map.entry(4, "invalid token"), Map.entry(5, "no data"),
            Map.entry(6, "invalid data format"), Map.entry(7, "incorrect index"), Map.entry(8, "internal server error"),
            Map.entry(9, "server is busy"), Map.entry(10, "data channel is missing"),
            Map.entry(11, "invalid data channel"), Map.entry(12, "event field is required"),
            Map.entry(13, "event field cannot be blank"), Map.entry(14, "ACK is disabled"));

    private final SplunkHecSinkConfig config;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    private final String channel = UUID.randomUUID().toString();
    /** The envelope's names, and the values that are the same for every event, JSON-quoted once. */
    private static final SerializedString N_TIME = new SerializedString("time");
    private static final SerializedString N_HOST = new SerializedString("host");
    private static final SerializedString N_SOURCE = new SerializedString("source");
    private static final SerializedString N_SOURCETYPE = new SerializedString("sourcetype");
    private static final SerializedString N_INDEX = new SerializedString("index");
    private static final SerializedString N_EVENT = new SerializedString("event");
    private static final SerializedString N_FIELDS = new SerializedString("fields");
    private static final SerializedString N_EVENT_KIND = new SerializedString("event_kind");
    private static final SerializedString N_EVENT_ACTION = new SerializedString("event_action");
    private static final SerializedString RMM_AUDIT = new SerializedString("rmm-audit");
    private final SerializedString host;
    private final SerializedString source;
    private final SerializedString sourcetype;
    private final SerializedString index;
    /** The last origin server written as host, quoted (no {@code host} configured: one server, as a rule). */
    private volatile OriginHost lastOrigin = new OriginHost("", new SerializedString(""));

    private record OriginHost(String server, SerializedString quoted) {
    }

    public SplunkHecSink(SplunkHecSinkConfig config) {
        super(config.name(), config.http());
        this.config = config;
        this.host = quoted(config.host());
        this.source = quoted(config.source());
        this.sourcetype = quoted(config.sourcetype());
        this.index = quoted(config.index());
    }

    private static SerializedString quoted(String value) {
        return value == null ? null : new SerializedString(value);
    }

    /** This sink's HEC channel (one per sink instance). */
    public String channel() {
        return channel;
    }

    /**
     * A request sent and not yet acknowledged: its encoded events (sent again as they are should the ack not come)
     * and its waiter. Only the bytes are kept, not the events: what waits for acks is one array per event for
     * the collector to keep, not an event's whole object graph.
     */
    private record Pending(List<byte[]> body, long sentAt, CompletableFuture<Void> done) {
    }

    /** Requests awaiting their acknowledgement, by ackId (bounded by what the sink's worker lets wait). */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private Thread ackPoller;
    private volatile boolean closed;

    /** Sends the events and returns once Splunk acknowledged them all (or dead-lettered what it refused). */
    @Override
    public void deliver(List<SecurityEvent> events) throws InterruptedException {
        try {
            deliverAsync(events).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Posts the events (in requests bounded by count and bytes) and returns without waiting for their
     * acknowledgements: a thread of this sink polls for them every {@code ackPollInterval} and completes the
     * future, so the next batch is sent while Splunk indexes this one. (Waiting for each ack before sending more
     * held throughput to one batch per poll interval.)
     */
    @Override
    public CompletableFuture<Void> deliverAsync(List<SecurityEvent> events) throws InterruptedException {
        long start = System.nanoTime();
        List<CompletableFuture<Void>> requests = new ArrayList<>();
        // each request is encoded just before it is sent: the bytes of thousands of events are not held at once
        Batches.encodeInBatches(events, this::encode, config.http().maxBatchEvents(), config.http().maxBatchBytes(),
                (items, bytes) -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    post(bytes, done);
                    requests.add(done);
                });
        return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            if (error == null) {
                metrics.latency((System.nanoTime() - start) / 1_000_000);
            }
        });
    }

    /**
     * Posts one request, its events encoded one per part; it is done at once without acks or when refused for
     * good, else when acknowledged.
     */
    private void post(List<byte[]> body, CompletableFuture<Void> done) throws InterruptedException {
        HttpDelivery.Result r = http.send(() -> http.post(request("/services/collector/event"), body).build(),
                SplunkHecSink::classify);
        if (r.verdict().kind() == Verdict.Kind.PERMANENT) {
            LOG.error("sink {}: Splunk refused a batch of {} ({}); written to {}", config.name(), body.size(),
                    r.verdict().reason(), deadLetters.path());
            deadLetters.writeDocuments(body.stream().map(SplunkHecSink::ecsDocument).toList(), r.verdict().reason());
            done.complete(null);
        } else if (!config.acks()) {
            metrics.sent(body.size());
            done.complete(null);
        } else {
            long ackId = readTree(r.response().body()).path("ackId").asLong(-1);
            if (ackId < 0) {
                done.completeExceptionally(new IllegalStateException("sink " + config.name() + ": acks are on but "
                        + "HEC answered without ackId (is indexer acknowledgement enabled for this token?)"));
                return;
            }
            pending.put(ackId, new Pending(body, System.nanoTime(), done));
            startAckPoller();
            if (closed && pending.remove(ackId) != null) { // closed meanwhile: nobody will poll for it
                done.completeExceptionally(new InterruptedException("sink " + config.name() + " closed"));
            }
        }
    }

    private synchronized void startAckPoller() {
        if (ackPoller == null && !closed) {
            ackPoller = new Thread(this::pollAcksUntilClosed, "sink-" + config.name() + "-acks");
            ackPoller.setDaemon(true);
            ackPoller.start();
        }
    }

    private void pollAcksUntilClosed() {
        Throwable cause = null;
        try {
            while (!closed) {
                Thread.sleep(config.ackPollInterval().toMillis());
                if (!pending.isEmpty()) {
                    pollAcks();
                }
            }
        } catch (InterruptedException e) {
            cause = e;
        } catch (RuntimeException e) {
            LOG.error("sink {}: polling for acknowledgements failed: {}", config.name(), e.toString());
            cause = e;
        }
        Throwable failure = cause instanceof InterruptedException || cause == null
                ? new InterruptedException("sink " + config.name() + " closed before Splunk acknowledged") : cause;
        synchronized (this) {
            ackPoller = null; // first: a request posted from now on starts a poller of its own
        }
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.done().completeExceptionally(failure);
            }
        }
    }

    /** Asks for every pending ackId at once; completes the acknowledged, sends again what waited too long. */
    private void pollAcks() throws InterruptedException {
        List<Long> ids = new ArrayList<>(pending.keySet());
        ObjectNode body = JSON.createObjectNode();
        ids.forEach(body.putArray("acks")::add);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        // ack polls are small and always sent plain
        HttpDelivery.Result r = http.send(() -> request("/services/collector/ack")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), SplunkHecSink::classify);
        if (r.verdict().kind() == Verdict.Kind.DELIVERED) {
            JsonNode acks = readTree(r.response().body()).path("acks");
            for (Long id : ids) {
                if (acks.path(Long.toString(id)).asBoolean(false)) {
                    Pending p = pending.remove(id);
                    if (p != null) {
                        metrics.sent(p.body().size());
                        p.done().complete(null);
                    }
                }
            }
        }
        long now = System.nanoTime();
        for (Long id : ids) {
            Pending p = pending.get(id);
            if (p != null && now - p.sentAt() > config.ackTimeout().toNanos() && pending.remove(id, p)) {
                LOG.warn("sink {}: no acknowledgement for ackId {} after {}; sending its {} events again",
                        config.name(), id, config.ackTimeout(), p.body().size());
                metrics.retried();
                post(p.body(), p.done());
            }
        }
    }

    /** Stops polling; what was not acknowledged fails (and stays uncommitted, to be read again). */
    @Override
    public void close() {
        Thread poller;
        synchronized (this) {
            closed = true;
            poller = ackPoller;
        }
        Threads.stop(poller, java.time.Duration.ofSeconds(5));
        super.close();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = http.request(URI.create(config.url() + path))
                .header("Authorization", "Splunk " + config.token().reveal())
                .header("Content-Type", "application/json");
        if (config.acks()) {
            b.header("X-Splunk-Request-Channel", channel);
        }
        return b;
    }

    /**
     * One HEC event: {@code time}, {@code host}, {@code source}, {@code sourcetype}, {@code index}, the ECS
     * document as {@code event}, and indexed {@code fields}; written straight to bytes (no JSON tree).
     */
    byte[] encode(SecurityEvent e) {
        // Jackson's own recycled buffers, as ObjectMapper.writeValueAsBytes uses them
        com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(
                JSON.getFactory()._getBufferRecycler());
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(N_TIME);
            g.writeNumber(epochSeconds(e.time()));
            nameValue(g, N_HOST, host != null ? host : originHost(e));
            nameValue(g, N_SOURCE, source);
            nameValue(g, N_SOURCETYPE, sourcetype);
            if (index != null) {
                g.writeFieldName(N_INDEX);
                g.writeString(index);
            }
            g.writeFieldName(N_EVENT);
            ecs.write(e, g);
            g.writeFieldName(N_FIELDS);
            g.writeStartObject();
            g.writeFieldName(N_EVENT_KIND);
            g.writeString(e.kind().label());
            g.writeFieldName(N_EVENT_ACTION);
            g.writeString(e.action()); // never null (SecurityEvent)
            g.writeEndObject();
            g.writeEndObject();
        } catch (java.io.IOException x) {
            throw new IllegalStateException("an event could not be written as JSON", x);
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    private static void nameValue(com.fasterxml.jackson.core.JsonGenerator g, SerializedString name,
            SerializedString value) throws java.io.IOException {
        g.writeFieldName(name);
        if (value != null) {
            g.writeString(value);
        } else {
            g.writeNull();
        }
    }

    /** The event's origin server as host ("rmm-audit" for an event without an origin), quoted once per server. */
    private SerializedString originHost(SecurityEvent e) {
        if (e.origin() == null) {
            return RMM_AUDIT;
        }
        String server = e.origin().server();
        if (server == null) {
            return null;
        }
        OriginHost last = lastOrigin;
        if (!server.equals(last.server())) {
            last = new OriginHost(server, new SerializedString(server));
            lastOrigin = last;
        }
        return last.quoted();
    }

    /**
     * Epoch seconds with milliseconds as HEC documents its {@code time} ({@code 1505768576.379}); a double
     * would be written {@code 1.505768576379E9}.
     */
    static String epochSeconds(java.time.Instant t) {
        long ms = t.toEpochMilli();
        if (ms == Long.MIN_VALUE) {
            return java.math.BigDecimal.valueOf(ms, 3).toPlainString();
        }
        long abs = Math.abs(ms); // digits by hand: BigDecimal.toPlainString showed in the sink's profile
        long millis = abs % 1000;
        return (ms < 0 ? "-" : "") + abs / 1000 + (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") + millis;
    }

    /** The ECS document inside one encoded HEC event: the same JSON {@link EcsJsonEncoder#toEcs} gives. */
    static JsonNode ecsDocument(byte[] hecEvent) {
        try {
            return JSON.readTree(hecEvent).path("event");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an encoded HEC event could not be read back", e);
        }
    }

    /** HEC's answers: 200 code 0 delivered; 503, code 9 and 5xx retried; other 4xx permanent, with the code's meaning. */
    static Verdict classify(HttpResponse<String> r) {
        int status = r.statusCode();
        JsonNode body = readTree(r.body());
        int code = body.path("code").asInt(-1);
        if (status == 200 && (code <= 0)) {
            return Verdict.DELIVERED;
        }
        String meaning = "HEC " + status + (code >= 0 ? " code " + code + " (" + CODES.getOrDefault(code,
                body.path("text").asText("unknown")) + ")" : "");
        if (status == 503 || code == 9 || status == 429 || status >= 500) {
            return Verdict.retryAfter(meaning, null);
        }
        return Verdict.permanent(meaning);
    }
}
