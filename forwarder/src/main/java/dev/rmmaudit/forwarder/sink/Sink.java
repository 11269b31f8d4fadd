package dev.rmmaudit.forwarder.sink;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.util.List;

/**
 * A destination for events. {@link #deliver} returns only once the batch is delivered as far as the
 * destination's protocol can tell (written to a TCP socket, acknowledged by an HTTP endpoint); while the
 * destination is slow or away it blocks, so the source stops reading and nothing queues without bound.
 */
public interface Sink extends AutoCloseable {
    String name();

    /** Delivers every event of the batch, retrying as long as it takes; interrupted only on shutdown. */
    void deliver(List<SecurityEvent> batch) throws InterruptedException;

    /** This sink's counters. */
    SinkMetrics metrics();

    @Override
    void close();
}
