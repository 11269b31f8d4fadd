package dev.rmmaudit.forwarder.sink.stdout;

import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;
import java.io.PrintStream;
import java.util.List;

/** Prints one encoded event per line (the demo, debugging, container logs). */
public final class StdoutSink implements Sink {
    private final String name;
    private final Encoder encoder;
    private final PrintStream out;
    private final SinkMetrics metrics = new SinkMetrics();

    public StdoutSink(String name, Encoder encoder, PrintStream out) {
        this.name = name;
        this.encoder = encoder;
        this.out = out;
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
    public void deliver(List<SecurityEvent> batch) {
        synchronized (out) {
            for (SecurityEvent e : batch) {
                out.println(encoder.encode(e));
            }
            out.flush();
        }
        metrics.sent(batch.size());
    }

    @Override
    public void close() {
        out.flush();
    }
}
