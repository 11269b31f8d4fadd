package dev.rmmaudit.forwarder.config;

/** What every sink declares: its name, its type and how events are encoded for it. */
public interface SinkConfig {
    String name();

    String type();

    /** {@code cef} or {@code json}. */
    String format();
}
