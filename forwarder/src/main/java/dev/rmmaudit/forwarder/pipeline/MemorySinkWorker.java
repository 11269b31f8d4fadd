package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to one sink on a thread of its own, in order, so that a slow sink holds back only what it still
 * owes. What it owes is bounded: {@link #submit} blocks once {@code maxPendingEvents} wait for this sink,
 * which stops the pipeline and so the binlog reader (backpressure), never an unbounded queue.
 */
final class MemorySinkWorker extends SinkWorker {
    private static final Logger LOG = LoggerFactory.getLogger(MemorySinkWorker.class);

    /**
     * What a job is owed once its events are delivered: its waiter, the permits it holds, and where its events
     * are in the chain (null: not sealed; the chain hears they are kept before the waiter does). Not the events:
     * while a sink awaits confirmation they are the sink's to keep.
     */
    private record Owed(int permits, CompletableFuture<Void> done, Chain.Range sealed) {
    }

    private record Job(List<SecurityEvent> events, Owed owed, long queuedAt) {
        Job(List<SecurityEvent> events, int permits, CompletableFuture<Void> done) {
            this(events, new Owed(permits, done, Chain.Range.of(events)), System.nanoTime());
        }
    }

    private final int maxPendingEvents;
    private final Semaphore pending;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final java.time.Duration maxBatchAge;
    /** Events at which a batch is full: the worker stops waiting for more (at most half the pending bound). */
    private final int fullBatch;
    /** Set when the delivering thread stopped on an error: why every batch fails from then on. */
    private volatile Exception stopped;

    MemorySinkWorker(Sink sink, int maxPendingEvents, java.time.Duration maxBatchAge) {
        this(sink, maxPendingEvents, maxBatchAge, Integer.MAX_VALUE, null);
    }

    MemorySinkWorker(Sink sink, int maxPendingEvents, java.time.Duration maxBatchAge, int fullBatch) {
        this(sink, maxPendingEvents, maxBatchAge, fullBatch, null);
    }

    /**
     * @param maxBatchAge how long to wait for more queued events before delivering a batch that is not full
     *     (zero: deliver what is queued at once)
     * @param fullBatch how many events make a batch full (an HTTP sink's request), so that it goes at once
     * @param chain where its events are sealed (null: not sealed)
     */
    MemorySinkWorker(Sink sink, int maxPendingEvents, java.time.Duration maxBatchAge, int fullBatch, Chain chain) {
        super(sink, chain);
        this.maxPendingEvents = maxPendingEvents;
        this.maxBatchAge = maxBatchAge;
        this.fullBatch = Math.max(1, Math.min(maxPendingEvents / 2, fullBatch));
        this.pending = new Semaphore(maxPendingEvents);
        startDelivering();
    }

    @Override
    long pendingEvents() {
        return maxPendingEvents - pending.availablePermits();
    }

    /**
     * Queues {@code events}; blocks while the sink owes too much. The future completes once delivered, or fails at
     * once when the delivering thread has stopped.
     */
    @Override
    CompletableFuture<Void> submit(List<SecurityEvent> events) throws InterruptedException {
        int permits = Math.min(Math.max(events.size(), 1), maxPendingEvents);
        pending.acquire(permits);
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) { // sealed in the order queued
            queue.put(new Job(sealed(events), permits, done));
        }
        if (stopped != null) { // nobody will take it
            failRemaining(stopped);
        }
        return done;
    }

    @Override
    CompletableFuture<Void> offer(SecurityEvent alert) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            queue.add(new Job(sealed(List.of(alert)), 0, done));
        }
        if (stopped != null) {
            failRemaining(stopped);
        }
        return done;
    }

    @Override
    protected void loop() {
        while (!closed) {
            List<Job> jobs;
            try {
                jobs = nextJobs();
            } catch (InterruptedException e) {
                return;
            }
            try {
                deliver(jobs);
            } catch (InterruptedException e) {
                failRemaining(e);
                return;
            } catch (Error e) {
                // the thread cannot go on; what is queued and what comes must fail, not wait for it
                LOG.error("sink {}: delivery stopped: {}; its batches fail from now on and stay uncommitted",
                        sink.name(), e.toString());
                stopped = new IllegalStateException("sink " + sink.name() + " stopped: " + e, e);
                failRemaining(stopped);
                return;
            }
        }
    }

    /**
     * Hands the jobs' events to the sink. A sink that confirms later (HEC acks) returns once it sent; the jobs
     * stay owed (their permits held) until it confirms, so what may wait for confirmation is bounded as what may
     * queue is. Only what is owed waits with the confirmation, not the events: the sink keeps what it needs to
     * send them again.
     */
    private void deliver(List<Job> jobs) throws InterruptedException {
        List<SecurityEvent> events = new java.util.ArrayList<>();
        List<Owed> owed = new java.util.ArrayList<>(jobs.size());
        for (Job j : jobs) {
            events.addAll(j.events());
            owed.add(j.owed());
        }
        try {
            sink.deliverAsync(events).whenComplete((v, error) -> finish(owed, error));
        } catch (RuntimeException e) {
            finish(owed, e);
        } catch (InterruptedException | Error e) { // the worker stops: see loop()
            finish(owed, e);
            throw e;
        }
    }

    private void finish(List<Owed> owed, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause != null && !(cause instanceof InterruptedException)) {
            LOG.error("sink {}: delivery failed and will not be retried: {}", sink.name(), cause.toString());
        }
        for (Owed o : owed) {
            if (cause == null) {
                kept(o.sealed());
                o.done().complete(null);
            } else {
                o.done().completeExceptionally(cause);
            }
            pending.release(o.permits());
        }
    }

    /**
     * The next job and whatever else is queued, up to a full batch; when that is less, waits for more until the
     * first job has waited {@code maxBatchAge} since it was queued (batching by age: a job that already waited
     * while the sink was busy is not held back again). A full batch goes at once: waiting for half the pending
     * bound instead held each event for up to {@code maxBatchAge} under load, long enough to outlive young
     * collections (docs/performance.md).
     */
    private List<Job> nextJobs() throws InterruptedException {
        List<Job> jobs = new java.util.ArrayList<>();
        Job first = queue.take();
        jobs.add(first);
        int events = first.events().size();
        long deadline = first.queuedAt() + maxBatchAge.toNanos();
        while (events < fullBatch) {
            long wait = deadline - System.nanoTime();
            Job next = wait > 0 ? queue.poll(wait, java.util.concurrent.TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            jobs.add(next);
            events += next.events().size();
        }
        return jobs;
    }

    private void failRemaining(Exception cause) {
        Job j;
        while ((j = queue.poll()) != null) {
            j.owed().done().completeExceptionally(cause);
            pending.release(j.owed().permits());
        }
    }

    /** What was not delivered stays uncommitted (and is read again after a restart). */
    @Override
    protected void afterStop() {
        failRemaining(new InterruptedException("sink " + sink.name() + " closed"));
    }
}
