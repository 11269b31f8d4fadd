package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hands events to one sink on a thread of its own, so a slow sink holds back only what it still owes, and
 * bounds what it owes: in memory ({@link MemorySinkWorker}) or in a disk buffer ({@link DiskSinkWorker}). This
 * class owns the sink, the delivery thread and stopping them; subclasses own what is queued and how.
 */
abstract class SinkWorker implements AutoCloseable {
    protected final Sink sink;
    /** The sink's chain (null: events go unsealed); events are sealed under this worker's lock, in queue order. */
    protected final Chain chain;
    private Thread thread;
    protected volatile boolean closed;

    SinkWorker(Sink sink, Chain chain) {
        this.sink = sink;
        this.chain = chain;
    }

    /** {@code events} as the sink will send them: sealed as its chain's next, when it has one. */
    protected final List<SecurityEvent> sealed(List<SecurityEvent> events) {
        return chain == null ? events : chain.seal(events);
    }

    /** Tells the chain these sealed events are delivered or safe on disk. */
    protected final void kept(List<SecurityEvent> sealed) {
        kept(Chain.Range.of(sealed));
    }

    /** Tells the chain the sealed events in {@code sealed} (null: none) are delivered or safe on disk. */
    protected final void kept(Chain.Range sealed) {
        if (chain != null && sealed != null) {
            chain.kept(sealed);
        }
    }

    final Chain chain() {
        return chain;
    }

    /** Starts {@link #loop()} on the thread named after the sink; called once a subclass is ready. */
    protected final void startDelivering() {
        thread = new Thread(this::loop, "sink-" + sink.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** Delivers until {@link #closed} is set or the thread is interrupted. */
    protected abstract void loop();

    final Sink sink() {
        return sink;
    }

    /** Events handed over and not yet delivered. */
    abstract long pendingEvents();

    /**
     * Hands over {@code events}; blocks while the sink owes too much (backpressure). The future completes once
     * the events are safe: delivered, or written to the disk buffer.
     */
    abstract CompletableFuture<Void> submit(List<SecurityEvent> events) throws InterruptedException;

    /**
     * Hands over an alert about the forwarder itself, never blocking (it may be dropped, and logged, when it
     * cannot be kept). The future completes once it is safe, as for {@link #submit}.
     */
    abstract CompletableFuture<Void> offer(SecurityEvent alert);

    /** What is left once the thread has stopped: fail what was queued, close the buffer. */
    protected abstract void afterStop();

    /** Stops delivering and closes the sink; see {@link #afterStop()} for what happens to what is left. */
    @Override
    public final void close() {
        closed = true;
        sink.close();
        Threads.stop(thread, java.time.Duration.ofSeconds(10));
        afterStop();
    }
}
