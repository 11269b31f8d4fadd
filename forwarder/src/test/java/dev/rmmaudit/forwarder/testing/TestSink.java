package dev.rmmaudit.forwarder.testing;

import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;

/** A sink for tests: a name, its counters and nothing to close; subclasses say what delivering does. */
public abstract class TestSink implements Sink {
    private final String name;
    private final SinkMetrics metrics = new SinkMetrics();

    protected TestSink(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SinkMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
    }
}
