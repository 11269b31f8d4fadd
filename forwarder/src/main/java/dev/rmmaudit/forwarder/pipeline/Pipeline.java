package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source → mapping → rules → sinks. A batch of row changes becomes events and alerts, queued to every sink that
 * selects them; each sink delivers on its own thread, and the batch's future completes when all have, so the
 * source commits its position only past delivered events. A row the
 * mapping cannot handle goes to the dead-letter file and is counted; it never stops the stream.
 */
public final class Pipeline implements ChangeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String module;
    private final EventMapper mapper;
    private final List<Route> routes;
    private final List<SinkWorker> workers = new ArrayList<>();
    private final java.util.Map<SinkWorker, CompletableFuture<Void>> lastSubmitted = new java.util.HashMap<>();
    private final DeadLetterFile deadLetters;
    private final Detector detector;
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    /** @param detector the alert rules, or null to forward events only */
    public Pipeline(String module, EventMapper mapper, List<Route> routes, DeadLetterFile deadLetters,
            Detector detector) {
        this.module = module;
        this.mapper = mapper;
        this.routes = List.copyOf(routes);
        this.deadLetters = deadLetters;
        this.detector = detector;
        for (Route r : this.routes) {
            workers.add(r.buffer().isDisk()
                    ? new DiskSinkWorker(r.sink(), r.buffer(), r.maxBatchAge(), java.time.Duration.ofSeconds(30),
                            alert -> raise(alert, r.sink()))
                    : new MemorySinkWorker(r.sink(), r.buffer().maxEvents(), r.maxBatchAge()));
        }
    }

    /**
     * Sends an alert about the forwarder itself to every sink that takes alerts, except {@code except} (the one
     * in trouble, or null), without waiting: it never blocks the caller and is not tied to a binlog position.
     */
    public void raise(SecurityEvent alert, Sink except) {
        alerts.incrementAndGet();
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (r.sink() != except && r.accepts(alert)) {
                SinkWorker w = workers.get(i);
                synchronized (lastSubmitted) {
                    lastSubmitted.put(w, w.offer(alert));
                }
            }
        }
    }

    @Override
    public CompletableFuture<Void> handle(List<RowChange> batch) throws InterruptedException {
        return handle(module, batch);
    }

    /** A handler for another source's changes: their tables are looked up among {@code module}'s mappings. */
    public ChangeHandler forModule(String otherModule) {
        return batch -> handle(otherModule, batch);
    }

    /**
     * Maps, detects and routes one batch of {@code module}. Sources call it from their own threads; batches
     * pass one at a time, so rule state and each sink's order stay consistent.
     */
    public synchronized CompletableFuture<Void> handle(String module, List<RowChange> batch)
            throws InterruptedException {
        List<SecurityEvent> out = new ArrayList<>();
        for (RowChange change : batch) {
            try {
                for (SecurityEvent e : mapper.map(module, change)) {
                    out.add(e);
                    if (detector != null) {
                        List<SecurityEvent> raised = detector.detect(e);
                        out.addAll(raised);
                        alerts.addAndGet(raised.size());
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("row {} of {} could not be mapped ({}); written to {}", change.position(), change.table(),
                        e.toString(), deadLetters.path());
                deadLetters.write(module, change, e);
            }
        }
        rows.addAndGet(batch.size());
        if (detector != null) {
            detector.flush();
        }
        if (out.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> deliveries = new ArrayList<>(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            List<SecurityEvent> selected = routes.get(i).filter(out);
            if (!selected.isEmpty()) {
                SinkWorker w = workers.get(i);
                CompletableFuture<Void> f = w.submit(selected);
                synchronized (lastSubmitted) {
                    lastSubmitted.put(w, f);
                }
                deliveries.add(f);
            }
        }
        int n = out.size();
        return CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new))
                .thenRun(() -> events.addAndGet(n));
    }

    /**
     * Waits until every sink has delivered what it was given, at most {@code timeout}; true when it has.
     * Sinks deliver in order, so waiting for each sink's last batch waits for all of them; a disk-buffered
     * sink has delivered once it owes nothing (what its buffer still holds is delivered after the next start).
     */
    public boolean drain(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Void>> last;
        synchronized (lastSubmitted) {
            last = new ArrayList<>(lastSubmitted.values());
        }
        try {
            CompletableFuture.allOf(last.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            // a failed delivery was logged where it failed; nothing more will come of it
        }
        while (workers.stream().anyMatch(w -> w.pendingEvents() > 0)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Events each sink still owes, by sink name. */
    public java.util.Map<String, Long> pendingBySink() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        workers.forEach(w -> out.put(w.sink().name(), w.pendingEvents()));
        return out;
    }

    /** Stops the sink workers and closes the sinks. */
    public void close() {
        workers.forEach(SinkWorker::close);
    }

    /** Alerts raised so far (counted in {@link #events()} once delivered). */
    public long alerts() {
        return alerts.get();
    }

    public long rows() {
        return rows.get();
    }

    public long events() {
        return events.get();
    }

    public long deadLettered() {
        return deadLetters.count();
    }
}
