package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.util.List;

/** A sink and what it receives: {@code all}, {@code events} (no alerts) or {@code alerts} only. */
public record Route(Sink sink, String select) {
    public Route {
        if (!List.of("all", "events", "alerts").contains(select)) {
            throw new IllegalArgumentException("select must be all, events or alerts, not " + select);
        }
    }

    public static Route all(Sink sink) {
        return new Route(sink, "all");
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
