package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.util.List;

/**
 * A sink, what it receives ({@code all}, {@code events} without alerts, or {@code alerts} only), and how
 * many events it may owe before the pipeline waits for it.
 */
public record Route(Sink sink, String select, int maxPendingEvents, java.time.Duration maxBatchAge) {
    public static final int DEFAULT_MAX_PENDING = 10_000;

    public Route {
        if (!List.of("all", "events", "alerts").contains(select)) {
            throw new IllegalArgumentException("select must be all, events or alerts, not " + select);
        }
        if (maxPendingEvents < 1) {
            throw new IllegalArgumentException("maxPendingEvents must be at least 1, not " + maxPendingEvents);
        }
    }

    public static Route all(Sink sink) {
        return new Route(sink, "all", DEFAULT_MAX_PENDING, java.time.Duration.ZERO);
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
