package dev.rmmaudit.forwarder.sink.elastic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Backoff;
import dev.rmmaudit.forwarder.sink.Batches;
import dev.rmmaudit.forwarder.sink.HttpDelivery;
import dev.rmmaudit.forwarder.sink.HttpSinkBase;
import dev.rmmaudit.forwarder.sink.Verdict;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elasticsearch or OpenSearch {@code _bulk} into a data stream: NDJSON {@code create} actions with the event
 * id as {@code _id} (a re-sent event is refused as a 409 duplicate and counts as delivered), ECS documents.
 * A 200 can carry item errors, so every item is read: 429/503 items are sent again alone, items refused for
 * their content (400 mapping errors and other 4xx) go to the dead-letter file; the whole request is retried
 * on 429/5xx.
 */
public final class ElasticsearchSink extends HttpSinkBase {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSink.class);
    private static final byte[] NL = {'\n'};

    private final ElasticsearchSinkConfig config;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    private final Backoff itemBackoff;

    public ElasticsearchSink(ElasticsearchSinkConfig config) {
        super(config.name(), config.http());
        this.config = config;
        this.itemBackoff = new Backoff(config.http().retryInitial(), config.http().retryMax());
    }

    @Override
    public void deliver(List<SecurityEvent> events) throws InterruptedException {
        long start = System.nanoTime();
        List<SecurityEvent> todo = events;
        for (int round = 1; !todo.isEmpty(); round++) {
            List<SecurityEvent> again = new ArrayList<>();
            Batches.encodeInBatches(todo, this::item, config.http().maxBatchEvents(), config.http().maxBatchBytes(),
                    (batch, body) -> again.addAll(send(batch, body)));
            todo = again;
            if (!todo.isEmpty()) {
                if (config.http().maxRetries() > 0 && round > config.http().maxRetries()) {
                    deadLetters.write(todo, "items still refused (429/503) after " + round + " rounds");
                    break;
                }
                metrics.retried();
                Thread.sleep(itemBackoff.delay(round).toMillis());
            }
        }
        metrics.latency((System.nanoTime() - start) / 1_000_000);
    }

    /** Sends one bulk request of {@code batch}, encoded as {@code body}; returns the events to send again. */
    private List<SecurityEvent> send(List<SecurityEvent> batch, List<byte[]> body) throws InterruptedException {
        HttpDelivery.Result r = http.send(() -> {
            HttpRequest.Builder b = http.post(http.request(URI.create(config.url() + "/" + config.dataStream()
                    + "/_bulk")).header("Content-Type", "application/x-ndjson"), body);
            auth(b);
            return b.build();
        }, ElasticsearchSink::classify);
        if (r.verdict().kind() == Verdict.Kind.PERMANENT) {
            LOG.error("sink {}: bulk request refused ({}); {} events written to {}", config.name(), r.verdict().reason(),
                    batch.size(), deadLetters.path());
            deadLetters.write(batch, r.verdict().reason());
            return List.of();
        }
        JsonNode result = readTree(r.response().body());
        if (!result.path("errors").asBoolean(false)) {
            metrics.sent(batch.size());
            return List.of();
        }
        List<SecurityEvent> again = new ArrayList<>();
        JsonNode itemsNode = result.path("items");
        for (int i = 0; i < batch.size(); i++) {
            JsonNode item = itemsNode.path(i).path("create");
            int status = item.path("status").asInt(500);
            if ((status >= 200 && status < 300) || status == 409) {
                metrics.sent(1);
            } else if (status == 429 || status == 503 || status >= 500) {
                again.add(batch.get(i));
            } else {
                JsonNode err = item.path("error");
                String reason = "item " + status + " " + err.path("type").asText("") + ": " + err.path("reason").asText("");
                deadLetters.write(List.of(batch.get(i)), reason);
            }
        }
        if (metrics.deadLettered() > 0) {
            LOG.warn("sink {}: {} events refused by Elasticsearch so far, see {}", config.name(), metrics.deadLettered(),
                    deadLetters.path());
        }
        return again;
    }

    private void auth(HttpRequest.Builder b) {
        if (!config.apiKey().isEmpty()) {
            b.header("Authorization", "ApiKey " + config.apiKey().reveal());
        } else if (config.username() != null) {
            String basic = config.username() + ":" + config.password().reveal();
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(
                    StandardCharsets.UTF_8)));
        }
    }

    private byte[] item(SecurityEvent e) {
        String action = "{\"create\":{\"_id\":\"" + e.id() + "\"}}";
        return Batches.join(List.of(action.getBytes(StandardCharsets.UTF_8), ecs.encode(e).getBytes(
                StandardCharsets.UTF_8)), NL);
    }

    static Verdict classify(HttpResponse<String> r) {
        return Verdict.ofStatus(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    }


}
