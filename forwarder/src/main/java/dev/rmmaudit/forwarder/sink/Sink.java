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

    /**
     * Sends the batch and returns a future that completes once the destination confirmed it (or fails when it
     * never will). A sink whose destination confirms later (Splunk's indexer acknowledgement) returns as soon as
     * the batch is sent, so the next batch goes out while the first waits; the caller bounds how much may wait.
     * Blocks, as {@link #deliver} does, while the destination is away. By default: {@link #deliver}, then done.
     */
    default java.util.concurrent.CompletableFuture<Void> deliverAsync(List<SecurityEvent> batch)
            throws InterruptedException {
        deliver(batch);
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** This sink's counters. */
    SinkMetrics metrics();

    @Override
    void close();
}
