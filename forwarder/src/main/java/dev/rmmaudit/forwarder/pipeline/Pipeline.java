package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source → mapping → rules → sinks. A batch of row changes becomes events (on the source's thread) and alerts
 * (on the rules' thread), queued to every sink that selects them; each sink delivers on its own thread, and the
 * batch's future completes when all have, so the source commits its position only past delivered events. A row
 * the mapping cannot handle goes to the dead-letter file and is counted; it never stops the stream.
 */
public final class Pipeline implements ChangeHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final String module;
    private final EventMapper mapper;
    private final List<Route> routes;
    private final List<SinkWorker> workers = new ArrayList<>();
    private volatile long lastEventMillis;
    private final java.util.Map<SinkWorker, CompletableFuture<Void>> lastSubmitted = new java.util.HashMap<>();
    private final DeadLetterFile deadLetters;
    private final RulesStage rules;
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong ruleFailures = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final java.util.Map<String, AtomicLong> rowsBySource = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, AtomicLong> alertsByRule = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param detector the alert rules, or null to forward events only */
    public Pipeline(String module, EventMapper mapper, List<Route> routes, DeadLetterFile deadLetters,
            Detector detector) {
        this(module, mapper, routes, deadLetters, detector == null ? null : new Rules() {
            @Override
            public List<SecurityEvent> detect(SecurityEvent e) {
                return detector.detect(e);
            }

            @Override
            public void flush() {
                detector.flush();
            }
        });
    }

    /** What the rules stage runs: a {@link Detector}, or in a test whatever the test needs. */
    interface Rules {
        /** The alerts {@code e} raises. */
        List<SecurityEvent> detect(SecurityEvent e);

        /** Saves what must survive a restart; called after every batch. */
        void flush();
    }

    /** A pipeline whose rules stage runs {@code rules} (tests give it rules of their own). */
    static Pipeline withRules(String module, EventMapper mapper, List<Route> routes, DeadLetterFile deadLetters,
            Rules rules) {
        return new Pipeline(module, mapper, routes, deadLetters, rules);
    }

    private Pipeline(String module, EventMapper mapper, List<Route> routes, DeadLetterFile deadLetters, Rules rules) {
        this.module = module;
        this.mapper = mapper;
        this.routes = List.copyOf(routes);
        this.deadLetters = deadLetters;
        for (Route r : this.routes) {
            workers.add(r.buffer().isDisk()
                    ? new DiskSinkWorker(r.sink(), r.buffer(), r.maxBatchAge(), r.fullBatch(),
                            java.time.Duration.ofSeconds(30), alert -> raise(alert, r.sink()), r.chain())
                    : new MemorySinkWorker(r.sink(), r.buffer().maxEvents(), r.maxBatchAge(), r.fullBatch(),
                            r.chain()));
        }
        // each sealed stream starts with the run's first event: a restart shows as one, not as a gap
        String host = dev.rmmaudit.forwarder.source.StateFiles.hostName();
        for (SinkWorker w : workers) {
            if (w.chain() != null) {
                synchronized (lastSubmitted) {
                    lastSubmitted.put(w, w.offer(w.chain().started(host, java.time.Instant.now())));
                }
            }
        }
        this.rules = rules == null ? null : new RulesStage(rules);
    }

    /**
     * Sends an alert about the forwarder itself to every sink that takes alerts, except {@code except} (the one
     * in trouble, or null), without waiting: it never blocks the caller and is not tied to a binlog position.
     */
    /** Sends {@code event} to every sink, whatever it selects (the heartbeat); counted as neither event nor alert. */
    public void broadcast(SecurityEvent event) {
        for (SinkWorker w : workers) {
            synchronized (lastSubmitted) {
                lastSubmitted.put(w, w.offer(event));
            }
        }
    }

    public void raise(SecurityEvent alert, Sink except) {
        alerts.incrementAndGet();
        countAlert(alert);
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
    /** Writes a change no mapping could make events of to the dead-letter file, and counts it. */
    public void deadLetter(String module, RowChange change, Throwable reason) {
        deadLetters.write(module, change, reason);
    }

    public ChangeHandler forModule(String otherModule) {
        return batch -> handle(otherModule, batch);
    }

    /**
     * Maps one batch of {@code module} and hands it on: to the rules stage when there are rules, else straight
     * to the sinks. Sources call it from their own threads; batches pass one at a time and in order, so rule
     * state and each sink's order stay consistent. The future completes once the batch's events (and the alerts
     * they raised) are delivered everywhere; while the rules stage or a sink is full, this call waits
     * (backpressure).
     */
    public synchronized CompletableFuture<Void> handle(String module, List<RowChange> batch)
            throws InterruptedException {
        List<SecurityEvent> mapped = new ArrayList<>();
        for (RowChange change : batch) {
            try {
                mapped.addAll(mapper.map(module, change));
            } catch (RuntimeException e) {
                LOG.warn("row {} of {} could not be mapped ({}); written to {}", change.position(), change.table(),
                        e.toString(), deadLetters.path());
                deadLetters.write(module, change, e);
            }
        }
        rows.addAndGet(batch.size());
        rowsBySource.computeIfAbsent(module, m -> new AtomicLong()).addAndGet(batch.size());
        return rules == null ? route(mapped) : rules.submit(mapped);
    }

    /** Queues {@code out} to every sink that selects them; the future completes when all have delivered them. */
    private CompletableFuture<Void> route(List<SecurityEvent> out) throws InterruptedException {
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
                .thenRun(() -> {
                    events.addAndGet(n);
                    if (n > 0) {
                        lastEventMillis = System.currentTimeMillis();
                    }
                });
    }

    /**
     * The rules on a thread of their own, fed by the mapping through a short queue: while it evaluates one
     * batch, the source's thread maps the next, so on a machine with free cores neither bounds the rate alone.
     * Batches pass in order; each alert follows the event that raised it.
     */
    private final class RulesStage {
        /** Mapped batches waiting for the rules: enough to keep both threads busy, little to hold. */
        private static final int DEPTH = 2;

        private record Batch(List<SecurityEvent> events, CompletableFuture<Void> done) {
        }

        private final Rules detector;
        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(DEPTH);
        private final Thread thread;
        private volatile boolean closed;
        /** Why batches fail once the stage has stopped: closed, or an error it could not go on from. */
        private volatile Exception stopCause = new InterruptedException("the pipeline is closed");
        private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

        RulesStage(Rules detector) {
            this.detector = detector;
            this.thread = new Thread(this::run, "rules");
            thread.setDaemon(true);
            thread.start();
        }

        /** Queues a mapped batch; waits while the stage is full. Fails the batch at once once it has stopped. */
        CompletableFuture<Void> submit(List<SecurityEvent> mapped) throws InterruptedException {
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue.put(new Batch(mapped, done));
            last = done;
            if (closed) { // stopped meanwhile: nobody will take it
                failQueued();
            }
            return done;
        }

        private void run() {
            try {
                while (!closed) {
                    Batch b = queue.take();
                    try {
                        route(detect(b.events())).whenComplete((v, error) -> {
                            if (error == null) {
                                b.done().complete(null);
                            } else {
                                b.done().completeExceptionally(error);
                            }
                        });
                    } catch (RuntimeException e) {
                        LOG.error("a batch could not be handed to the sinks: {}", e.toString());
                        b.done().completeExceptionally(e);
                    } catch (InterruptedException | Error e) {
                        b.done().completeExceptionally(e);
                        throw e;
                    }
                }
            } catch (InterruptedException e) {
                // closed
            } catch (Error e) {
                // its batch failed (so the source stops without committing it); what follows must fail too,
                // not wait for a thread that is gone
                LOG.error("the rules stage stopped: {}; batches fail from now on and stay uncommitted", e.toString());
                stopCause = new IllegalStateException("the rules stage stopped: " + e, e);
            } finally {
                closed = true;
                failQueued();
            }
        }

        /** The events with the alerts each raised right after it. */
        private List<SecurityEvent> detect(List<SecurityEvent> mapped) {
            List<SecurityEvent> out = new ArrayList<>(mapped.size());
            for (SecurityEvent e : mapped) {
                out.add(e);
                try {
                    List<SecurityEvent> raised = detector.detect(e);
                    out.addAll(raised);
                    alerts.addAndGet(raised.size());
                    raised.forEach(Pipeline.this::countAlert);
                } catch (RuntimeException x) {
                    ruleFailures.incrementAndGet();
                    LOG.warn("the rules could not evaluate event {} ({}); it is forwarded without alerts", e.id(),
                            x.toString());
                }
            }
            detector.flush();
            return out;
        }

        /** What was queued fails, and so stays uncommitted (read again after a restart). */
        private void failQueued() {
            Batch b;
            while ((b = queue.poll()) != null) {
                b.done().completeExceptionally(stopCause);
            }
        }

        void close() {
            closed = true;
            Threads.stop(thread, java.time.Duration.ofSeconds(10));
            failQueued();
        }
    }

    /**
     * Waits until every sink has delivered what it was given, at most {@code timeout}; true when it has.
     * Sinks deliver in order, so waiting for each sink's last batch waits for all of them; a disk-buffered
     * sink has delivered once it owes nothing (what its buffer still holds is delivered after the next start).
     */
    public boolean drain(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // the last batch the rules stage took is done once its events are delivered; then each sink's last batch
        if (rules != null && !waitFor(rules.last, deadline)) {
            return false;
        }
        List<CompletableFuture<Void>> last;
        synchronized (lastSubmitted) {
            last = new ArrayList<>(lastSubmitted.values());
        }
        if (!waitFor(CompletableFuture.allOf(last.toArray(CompletableFuture[]::new)), deadline)) {
            return false;
        }
        while (workers.stream().anyMatch(w -> w.pendingEvents() > 0)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** False when {@code f} is not done by {@code deadline}; a failed delivery was logged where it failed. */
    private static boolean waitFor(CompletableFuture<?> f, long deadline) throws InterruptedException {
        try {
            f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private void countAlert(SecurityEvent alert) {
        String rule = alert.ruleId() != null ? alert.ruleId() : alert.action();
        alertsByRule.computeIfAbsent(rule, r -> new AtomicLong()).incrementAndGet();
    }

    /** Rows (and log lines) read, by source module. */
    public java.util.Map<String, Long> rowsBySource() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        rowsBySource.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Alerts raised, by rule id (the forwarder's own alerts by their action). */
    public java.util.Map<String, Long> alertsByRule() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        alertsByRule.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Bytes each disk-buffered sink holds, by sink name. */
    public java.util.Map<String, Long> bufferBytesBySink() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        workers.stream().filter(w -> w instanceof DiskSinkWorker).forEach(w -> out.put(w.sink().name(),
                ((DiskSinkWorker) w).pendingBytes()));
        return out;
    }

    /** Each sealed sink's last sequence number, by sink name. */
    public java.util.Map<String, Long> chainHeads() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        workers.stream().filter(w -> w.chain() != null).forEach(w -> out.put(w.sink().name(), w.chain().head()));
        return out;
    }

    /** Events each sink still owes, by sink name. */
    public java.util.Map<String, Long> pendingBySink() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        workers.forEach(w -> out.put(w.sink().name(), w.pendingEvents()));
        return out;
    }

    /** Stops the rules stage and the sink workers and closes the sinks; what was not delivered stays uncommitted. */
    public void close() {
        if (rules != null) {
            rules.close();
        }
        workers.forEach(SinkWorker::close);
    }

    /** Events the rules could not evaluate (forwarded without alerts, and logged). */
    public long ruleFailures() {
        return ruleFailures.get();
    }

    /** Alerts raised so far (counted in {@link #events()} once delivered). */
    public long alerts() {
        return alerts.get();
    }

    public long rows() {
        return rows.get();
    }

    /** Seconds since events were last delivered, or -1 before the first. */
    public double secondsSinceLastEvent() {
        long last = lastEventMillis;
        return last == 0 ? -1 : (System.currentTimeMillis() - last) / 1000.0;
    }

    public long events() {
        return events.get();
    }

    public long deadLettered() {
        return deadLetters.count();
    }
}
