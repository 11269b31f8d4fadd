package dev.rmmaudit.forwarder.sink.webhook;

import dev.rmmaudit.forwarder.config.HttpSinkConfig;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Batches;
import dev.rmmaudit.forwarder.sink.HttpDelivery;
import dev.rmmaudit.forwarder.sink.HttpSinkBase;
import dev.rmmaudit.forwarder.sink.Verdict;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any HTTP endpoint: ECS documents as a JSON array or NDJSON, POSTed with the configured headers (Teams,
 * Slack or SOAR alert forwarding, endpoints we do not know yet). 2xx delivered; 408/429/5xx retried; other
 * 4xx dead-lettered.
 */
public final class WebhookSink extends HttpSinkBase {
    private final HttpSinkConfig config;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();

    public WebhookSink(HttpSinkConfig config) {
        super(config.name(), config.http());
        this.config = config;
    }

    private static final byte[] OPEN = {'['};
    private static final byte[] COMMA = {','};
    private static final byte[] CLOSE = {']'};
    private static final byte[] NEWLINE = {'\n'};

    @Override
    public void deliver(List<SecurityEvent> events) throws InterruptedException {
        long start = System.nanoTime();
        boolean ndjson = config.body().equals("ndjson");
        Batches.encodeInBatches(events, e -> ecs.encode(e).getBytes(StandardCharsets.UTF_8),
                config.http().maxBatchEvents(), config.http().maxBatchBytes(), (batch, parts) -> {
                    List<byte[]> raw = ndjson ? Batches.framed(parts, null, NEWLINE, NEWLINE)
                            : Batches.framed(parts, OPEN, COMMA, CLOSE);
                    HttpDelivery.Result r = http.send(() -> {
                        HttpRequest.Builder b = http.post(http.request(URI.create(config.url()))
                                .header("Content-Type", ndjson ? "application/x-ndjson" : "application/json"), raw);
                        config.headers().forEach((k, v) -> b.header(k, v.reveal()));
                        return b.build();
                    }, resp -> Verdict.ofStatus(resp.statusCode(), resp.body(),
                            resp.headers().firstValue("Retry-After").orElse(null)));
                    if (r.verdict().kind() == Verdict.Kind.PERMANENT) {
                        deadLetters.write(batch, r.verdict().reason());
                    } else {
                        metrics.sent(batch.size());
                    }
                });
        metrics.latency((System.nanoTime() - start) / 1_000_000);
    }


}
