package dev.rmmaudit.forwarder.sink.sentinel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.config.SentinelSinkConfig;
import dev.rmmaudit.forwarder.encode.Timestamps;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.HttpDelivery;
import dev.rmmaudit.forwarder.sink.HttpSinkBase;
import dev.rmmaudit.forwarder.sink.Verdict;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Sentinel through the Azure Monitor Logs Ingestion API: a JSON array of rows in the shape of the
 * stream {@code Custom-RmmAudit} (see {@code packaging/sentinel/}), gzip-compressed and kept under 1 MB per
 * call, {@code Authorization: Bearer} with a cached client-credentials token. 204 means delivered; 429
 * honours Retry-After; 401 refreshes the token and tries again; 5xx is retried; other 4xx dead-lettered.
 */
public final class SentinelSink extends HttpSinkBase {
    private static final Logger LOG = LoggerFactory.getLogger(SentinelSink.class);
    static final int MAX_CALL_BYTES = 1_000_000;

    private final SentinelSinkConfig config;
    private final TokenCache tokens;

    public SentinelSink(SentinelSinkConfig config) {
        this(config, Clock.systemUTC());
    }

    SentinelSink(SentinelSinkConfig config, Clock clock) {
        super(config.name(), config.http());
        this.config = config;
        this.tokens = new TokenCache(config, http, clock);
    }

    @Override
    public void deliver(List<SecurityEvent> events) throws InterruptedException {
        long start = System.nanoTime();
        for (List<SecurityEvent> chunk : chunks(events)) {
            send(chunk);
        }
        metrics.latency((System.nanoTime() - start) / 1_000_000);
    }

    /** Cuts the events into calls whose gzip body stays under 1 MB (halving a chunk until it fits). */
    List<List<SecurityEvent>> chunks(List<SecurityEvent> events) {
        List<List<SecurityEvent>> out = new ArrayList<>();
        int step = Math.max(1, config.http().maxBatchEvents());
        for (int i = 0; i < events.size(); i += step) {
            split(new ArrayList<>(events.subList(i, Math.min(events.size(), i + step))), out);
        }
        return out;
    }

    private void split(List<SecurityEvent> chunk, List<List<SecurityEvent>> out) {
        if (chunk.size() > 1 && HttpDelivery.gzip(body(chunk)).length > MAX_CALL_BYTES) {
            int half = chunk.size() / 2;
            split(new ArrayList<>(chunk.subList(0, half)), out);
            split(new ArrayList<>(chunk.subList(half, chunk.size())), out);
        } else {
            out.add(chunk);
        }
    }

    private void send(List<SecurityEvent> chunk) throws InterruptedException {
        byte[] gz = HttpDelivery.gzip(body(chunk));
        URI uri = URI.create(config.endpoint() + "/dataCollectionRules/" + config.dcrImmutableId() + "/streams/"
                + config.stream() + "?api-version=2023-01-01");
        String[] token = {tokens.get()};
        HttpDelivery.Result r = http.send(() -> HttpRequest.newBuilder(uri).timeout(config.http().timeout())
                .header("Authorization", "Bearer " + token[0])
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz)).build(), resp -> {
                    Verdict v = classify(resp);
                    if (resp.statusCode() == 401) {
                        tokens.invalidate();
                        try {
                            token[0] = tokens.get();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return v;
                });
        if (r.verdict().kind() == Verdict.Kind.PERMANENT) {
            LOG.error("sink {}: Sentinel refused {} rows ({}); written to {}", config.name(), chunk.size(),
                    r.verdict().reason(), deadLetters.path());
            deadLetters.write(chunk, r.verdict().reason());
        } else {
            metrics.sent(chunk.size());
        }
    }

    static Verdict classify(HttpResponse<String> r) {
        if (r.statusCode() == 401) {
            return Verdict.retry("HTTP 401: the token expired or was revoked; fetching a new one");
        }
        return Verdict.ofStatus(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    }

    /** The rows for the stream, as a JSON array. */
    static byte[] body(List<SecurityEvent> events) {
        ArrayNode rows = JSON.createArrayNode();
        for (SecurityEvent e : events) {
            rows.add(row(e));
        }
        return rows.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One row of the custom table (packaging/sentinel/RmmAudit_CL.json names and types the columns). */
    public static ObjectNode row(SecurityEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("TimeGenerated", Timestamps.iso(e.time()));
        n.put("EventId", e.id());
        n.put("EventKind", e.kind().label());
        n.put("Module", e.module());
        n.put("Dataset", e.dataset());
        n.put("Action", e.action());
        n.put("Name", e.name());
        n.put("Category", e.category());
        n.put("Outcome", e.outcome().label());
        n.put("Severity", e.severity());
        n.put("Message", e.message());
        n.put("Actor", e.actor());
        n.put("TargetUser", e.targetUserName());
        n.put("TargetUserId", e.targetUserId());
        ArrayNode groups = n.putArray("TargetGroups");
        e.targetGroups().forEach(groups::add);
        n.put("SourceIp", e.sourceAddress());
        if (e.superAdminBefore() != null) {
            n.put("SuperAdminBefore", e.superAdminBefore());
        }
        if (e.superAdminAfter() != null) {
            n.put("SuperAdminAfter", e.superAdminAfter());
        }
        ObjectNode changes = n.putObject("Changes");
        e.changes().forEach((k, c) -> changes.putObject(k).put("from", c.from()).put("to", c.to()));
        ObjectNode attrs = n.putObject("Attributes");
        e.attributes().forEach(attrs::put);
        n.put("RuleId", e.ruleId());
        n.put("RuleName", e.ruleName());
        ArrayNode related = n.putArray("TriggeringEventIds");
        e.relatedEventIds().forEach(related::add);
        if (e.origin() != null) {
            n.putObject("Origin").put("server", e.origin().server()).put("database", e.origin().database())
                    .put("table", e.origin().table()).put("position", e.origin().position());
        }
        ArrayNode types = n.putArray("EventTypes");
        e.types().forEach(types::add);
        n.put("TargetUserEmail", e.targetUserEmail());
        if (e.seal() != null) { // forwarder verify reads the row back into the ECS document the link is over
            SecurityEvent.Seal s = e.seal();
            n.putObject("Chain").put("key", s.key()).put("stream", s.stream()).put("run", s.run())
                    .put("sequence", s.sequence()).put("previous", s.previous()).put("hash", s.hash());
        }
        return n;
    }


    /** The token request that proves the sink's credentials without sending an event ({@code forwarder check}). */
    public static java.net.http.HttpRequest tokenRequest(SentinelSinkConfig config) {
        return TokenCache.request(config);
    }
}
