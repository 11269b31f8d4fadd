package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hands events to one sink on a thread of its own, so a slow sink holds back only what it still owes, and
 * bounds what it owes: in memory ({@link MemorySinkWorker}) or in a disk buffer ({@link DiskSinkWorker}).
 */
interface SinkWorker extends AutoCloseable {
    Sink sink();

    /** Events handed over and not yet delivered. */
    long pendingEvents();

    /**
     * Hands over {@code events}; blocks while the sink owes too much (backpressure). The future completes once
     * the events are safe: delivered, or written to the disk buffer.
     */
    CompletableFuture<Void> submit(List<SecurityEvent> events) throws InterruptedException;

    /**
     * Hands over an alert about the forwarder itself, never blocking (it may be dropped, and logged, when it
     * cannot be kept). The future completes once it is safe, as for {@link #submit}.
     */
    CompletableFuture<Void> offer(SecurityEvent alert);

    @Override
    void close();
}
