package dev.rmmaudit.forwarder.encode;

import dev.rmmaudit.forwarder.event.SecurityEvent;

/** Turns an event into one line of text for a sink. Never throws for any value the event can hold. */
public interface Encoder {
    String encode(SecurityEvent event);

    /** The encoder for a format name ({@code cef} or {@code json}). */
    static Encoder forFormat(String format) {
        return switch (format) {
            case "cef" -> new CefEncoder(Version.current());
            case "json" -> new EcsJsonEncoder();
            default -> throw new IllegalArgumentException("format must be cef or json, not " + format);
        };
    }
}
