package dev.rmmaudit.forwarder.encode;

import dev.rmmaudit.forwarder.event.SecurityEvent;

/** Turns an event into one line of text for a sink. Never throws for any value the event can hold. */
public interface Encoder {
    String encode(SecurityEvent event);

    /**
     * Appends the encoded event to {@code out}: what {@link #encode(SecurityEvent)} returns, without a string of
     * its own where the encoder can write straight into the builder (a sink reuses one builder per batch).
     */
    default void encode(SecurityEvent event, StringBuilder out) {
        out.append(encode(event));
    }

    /** The encoder for a format name ({@code cef} or {@code json}). */
    static Encoder forFormat(String format) {
        return switch (format) {
            case "cef" -> new CefEncoder(Version.current());
            case "json" -> new EcsJsonEncoder();
            default -> throw new IllegalArgumentException("format must be cef or json, not " + format);
        };
    }
}
