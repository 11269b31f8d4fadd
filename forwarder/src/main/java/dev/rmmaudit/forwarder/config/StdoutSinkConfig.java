package dev.rmmaudit.forwarder.config;

/** Prints each event as one line on standard output (demo, debugging, container logs). */
public record StdoutSinkConfig(String name, String format) implements SinkConfig {
    @Override
    public String type() {
        return "stdout";
    }
}
