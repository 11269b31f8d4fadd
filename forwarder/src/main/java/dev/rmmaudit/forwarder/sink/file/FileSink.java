package dev.rmmaudit.forwarder.sink.file;

import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends one encoded event per line to a file. A batch counts as delivered once it is written and synced
 * to disk ({@code fsync}), so a crash right after loses nothing that was acknowledged.
 */
public final class FileSink implements Sink {
    private final String name;
    private final Encoder encoder;
    private final FileChannel channel;
    private final SinkMetrics metrics = new SinkMetrics();

    public FileSink(String name, Encoder encoder, Path path) {
        this.name = name;
        this.encoder = encoder;
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("sink " + name + ": cannot open " + path + " for appending", e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void deliver(List<SecurityEvent> batch) {
        StringBuilder b = new StringBuilder();
        for (SecurityEvent e : batch) {
            encoder.encode(e, b);
            b.append('\n');
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            metrics.failed();
            throw new UncheckedIOException("sink " + name + ": cannot write", e);
        }
        metrics.sent(batch.size());
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to flush: every batch was synced
        }
    }
}
