package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;

/** Appends each event as one line to a file, flushed and synced after every batch. */
public record FileSinkConfig(String name, String format, Path path) implements SinkConfig {
    @Override
    public String type() {
        return "file";
    }
}
