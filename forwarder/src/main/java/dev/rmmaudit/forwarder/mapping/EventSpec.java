package dev.rmmaudit.forwarder.mapping;

import dev.rmmaudit.forwarder.event.SecurityEvent.Outcome;
import java.util.List;

/** One event a table mapping can produce: its condition and what the event says. */
record EventSpec(
        String action,
        String name,
        Condition when,
        String category,
        List<String> types,
        Outcome outcome,
        int severity,
        Template message,
        java.util.List<Where> where) {
}
