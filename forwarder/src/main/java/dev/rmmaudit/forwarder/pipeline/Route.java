package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.config.BufferConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.time.Duration;
import java.util.List;

/**
 * A sink, what it receives ({@code all}, {@code events} without alerts, or {@code alerts} only), where it keeps
 * what it owes (its buffer), how long it waits for more events to fill a batch, and how many fill one (an HTTP
 * sink's request: once a request's worth is queued, waiting longer only keeps events alive), and the chain its
 * events are sealed in (null: not sealed).
 */
public record Route(Sink sink, String select, BufferConfig buffer, Duration maxBatchAge, int fullBatch, Chain chain) {
    public Route {
        if (!List.of("all", "events", "alerts").contains(select)) {
            throw new IllegalArgumentException("select must be all, events or alerts, not " + select);
        }
        if (fullBatch < 1) {
            throw new IllegalArgumentException("fullBatch must be positive, not " + fullBatch);
        }
    }

    /** A route whose events are not sealed. */
    public Route(Sink sink, String select, BufferConfig buffer, Duration maxBatchAge, int fullBatch) {
        this(sink, select, buffer, maxBatchAge, fullBatch, null);
    }

    /** This route with its events sealed in {@code c}. */
    public Route sealedIn(Chain c) {
        return new Route(sink, select, buffer, maxBatchAge, fullBatch, c);
    }

    /** A route whose batches are bounded only by its buffer. */
    public Route(Sink sink, String select, BufferConfig buffer, Duration maxBatchAge) {
        this(sink, select, buffer, maxBatchAge, Integer.MAX_VALUE);
    }

    /** Everything, through the default memory buffer, delivered at once. */
    public static Route all(Sink sink) {
        return new Route(sink, "all", BufferConfig.memory(), Duration.ZERO);
    }

    boolean accepts(SecurityEvent e) {
        return switch (select) {
            case "events" -> !e.isAlert();
            case "alerts" -> e.isAlert();
            default -> true;
        };
    }

    List<SecurityEvent> filter(List<SecurityEvent> events) {
        return select.equals("all") ? events : events.stream().filter(this::accepts).toList();
    }
}
