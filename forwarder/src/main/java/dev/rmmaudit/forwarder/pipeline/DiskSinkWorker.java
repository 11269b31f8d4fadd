package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.buffer.DiskQueue;
import dev.rmmaudit.forwarder.buffer.EventCodec;
import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.config.BufferConfig;
import dev.rmmaudit.forwarder.event.HealthAlerts;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands events to a sink through a {@link DiskQueue}: {@link #submit} returns once the events are written (and
 * forced to the device, by default), so the binlog position moves on while the SIEM is away; a thread of its
 * own reads them back in order, delivers, and only then acknowledges them in the queue.
 *
 * <p>When the buffer is full, {@code whenFull: block} makes {@link #submit} wait (the binlog reader pauses) and
 * {@code drop_newest} drops what does not fit, counted and logged. When the disk cannot be written (full, or
 * failing) {@link #submit} waits and retries, the segment is left without a partial record, and a health alert
 * goes to the other sinks.
 */
final class DiskSinkWorker extends SinkWorker {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSinkWorker.class);
    static final String WRITE_FAILED = "forwarder-buffer-write-failed";
    /** Events read back and delivered at once at most. */
    private static final int READ_BATCH = 2_000;
    /** How long an idle read waits for a write (which wakes it at once); stop interrupts it. */
    private static final long IDLE_WAIT_MILLIS = 60_000;

    private final DiskQueue queue;
    private final BufferConfig config;
    private final Duration maxBatchAge;
    /** Events at which a batch read back is full: the worker stops waiting for more (at most READ_BATCH). */
    private final int fullBatch;
    private final Duration retryMax;
    private final Consumer<SecurityEvent> alarm;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private long lastDropLog;

    /**
     * @param alarm where alerts about this buffer go (the other sinks)
     * @param retryMax the longest wait between attempts to write a failing disk
     */
    DiskSinkWorker(Sink sink, BufferConfig config, Duration maxBatchAge, Duration retryMax,
            Consumer<SecurityEvent> alarm) {
        this(sink, config, maxBatchAge, READ_BATCH, retryMax, alarm, null);
    }

    /**
     * @param fullBatch how many events make a batch full (an HTTP sink's request), so that it goes at once
     * @param chain where its events are sealed (null: not sealed)
     */
    DiskSinkWorker(Sink sink, BufferConfig config, Duration maxBatchAge, int fullBatch, Duration retryMax,
            Consumer<SecurityEvent> alarm, Chain chain) {
        super(sink, chain);
        this.config = config;
        this.maxBatchAge = maxBatchAge;
        this.fullBatch = Math.max(1, Math.min(READ_BATCH, fullBatch));
        this.retryMax = retryMax;
        this.alarm = alarm;
        try {
            this.queue = new DiskQueue(config.dir(), config.maxBytes(), config.segmentBytes(), config.fsync());
        } catch (IOException e) {
            throw new UncheckedIOException("sink " + sink.name() + ": cannot open its disk buffer " + config.dir()
                    + ": " + e.getMessage(), e);
        }
        DiskQueue.Recovery r = queue.recovery();
        r.damage().forEach(d -> LOG.warn("sink {}: disk buffer {}: {}", sink.name(), config.dir(), d));
        if (r.records() > 0) {
            LOG.info("sink {}: {} events ({} bytes) left in the disk buffer by the last run are delivered first",
                    sink.name(), r.records(), r.bytes());
        }
        startDelivering();
    }

    @Override
    long pendingEvents() {
        return queue.pendingRecords();
    }

    /** Bytes the buffer holds. */
    long pendingBytes() {
        return queue.pendingBytes();
    }

    /** Events dropped because the buffer was full ({@code whenFull: drop_newest}). */
    long dropped() {
        return dropped.get();
    }

    /** Buffered records that could not be read back as events (skipped, counted, logged). */
    long unreadable() {
        return unreadable.get();
    }

    /**
     * Seals, encodes and writes {@code events} as one: under this worker's lock, so the buffer holds them in the
     * order sealed. While they do not fit ({@code whenFull: block}) or the disk refuses them, nothing is sealed:
     * this waits, outside the lock, and tries again. With {@code drop_newest} what does not fit is dropped after
     * sealing, so the chain shows it missing, as it is.
     */
    @Override
    CompletableFuture<Void> submit(List<SecurityEvent> events) throws InterruptedException {
        long wait = 500;
        boolean failing = false;
        boolean full = false;
        while (true) {
            int need;
            IOException refused;
            synchronized (this) {
                Chain.Mark mark = chain == null ? null : chain.mark();
                List<SecurityEvent> sealed = sealed(events);
                List<byte[]> records = new ArrayList<>(sealed.size());
                for (SecurityEvent e : sealed) {
                    records.add(EventCodec.encode(e));
                }
                need = records.stream().mapToInt(r -> r.length + DiskQueue.HEADER).sum();
                try {
                    if (config.dropsNewest()) {
                        queue.append(fitting(records));
                        kept(sealed);
                        need = 0;
                    } else if (queue.fits(need)) {
                        queue.append(records);
                        kept(sealed);
                        need = 0;
                    }
                    refused = null;
                } catch (IOException e) {
                    refused = e;
                }
                if (need > 0 && mark != null) {
                    chain.rollback(mark);
                }
            }
            if (need == 0) {
                if (failing) {
                    LOG.info("sink {}: disk buffer {} writable again; reading resumed", sink.name(), config.dir());
                }
                if (full) {
                    LOG.info("sink {}: disk buffer has room again; reading resumed", sink.name());
                }
                return CompletableFuture.completedFuture(null);
            }
            if (closed) {
                throw new InterruptedException("sink " + sink.name() + " closed");
            }
            if (refused != null) {
                if (!failing) {
                    failing = true;
                    String message = "sink " + sink.name() + ": cannot write its disk buffer " + config.dir() + " ("
                            + refused.getMessage() + "); reading paused, nothing acknowledged, retrying";
                    LOG.error(message);
                    alarm.accept(HealthAlerts.of(WRITE_FAILED, "Forwarder disk buffer cannot be written", "host", 8,
                            message, Map.of("sink", sink.name(), "buffer.dir", config.dir().toString()),
                            Instant.now()));
                }
                Thread.sleep(wait);
                wait = Math.min(wait * 2, retryMax.toMillis());
            } else if (!queue.awaitSpace(need, 10_000) && !full) {
                full = true;
                LOG.warn("sink {}: disk buffer full ({} events, {} bytes); reading paused until it delivers",
                        sink.name(), queue.pendingRecords(), queue.pendingBytes());
            }
        }
    }

    /** The records that fit now; the rest are dropped, counted and logged (at most once a minute). */
    private List<byte[]> fitting(List<byte[]> records) {
        List<byte[]> out = new ArrayList<>(records.size());
        int size = 0;
        for (byte[] r : records) {
            if (queue.fits(size + r.length + DiskQueue.HEADER)) {
                out.add(r);
                size += r.length + DiskQueue.HEADER;
            } else {
                dropped.incrementAndGet();
            }
        }
        if (out.size() < records.size()) {
            long now = System.currentTimeMillis();
            if (now - lastDropLog > 60_000) {
                lastDropLog = now;
                LOG.warn("sink {}: disk buffer full; dropping new events (whenFull: drop_newest), {} dropped so far",
                        sink.name(), dropped.get());
            }
        }
        return out;
    }

    @Override
    CompletableFuture<Void> offer(SecurityEvent alert) {
        synchronized (this) {
            Chain.Mark mark = chain == null ? null : chain.mark();
            List<SecurityEvent> sealed = sealed(List.of(alert));
            byte[] r = EventCodec.encode(sealed.get(0));
            try {
                if (queue.fits(r.length + DiskQueue.HEADER)) {
                    queue.append(List.of(r));
                    kept(sealed);
                    return CompletableFuture.completedFuture(null);
                }
                LOG.warn("sink {}: disk buffer full; {} not kept for this sink", sink.name(), alert.action());
            } catch (IOException e) {
                LOG.warn("sink {}: {} not kept for this sink: {}", sink.name(), alert.action(), e.getMessage());
            }
            if (mark != null) {
                chain.rollback(mark);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    protected void loop() {
        long wait = 500;
        while (!closed) {
            try {
                DiskQueue.Batch batch = queue.poll(READ_BATCH, IDLE_WAIT_MILLIS);
                if (batch.records().isEmpty()) {
                    continue;
                }
                List<byte[]> records = new ArrayList<>(batch.records());
                DiskQueue.Position end = batch.end();
                if (!maxBatchAge.isZero() && records.size() < fullBatch) {
                    DiskQueue.Batch more = queue.poll(fullBatch - records.size(), maxBatchAge.toMillis());
                    if (!more.records().isEmpty()) {
                        records.addAll(more.records());
                        end = more.end();
                    }
                }
                List<SecurityEvent> events = decode(records);
                if (!events.isEmpty()) {
                    sink.deliver(events);
                }
                queue.ack(end, records.size());
                wait = 500;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.error("sink {}: delivery from the disk buffer failed ({}); retrying in {} ms", sink.name(),
                        e.toString(), wait);
                queue.rewind();
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    return;
                }
                wait = Math.min(wait * 2, retryMax.toMillis());
            }
        }
    }

    private List<SecurityEvent> decode(List<byte[]> records) {
        List<SecurityEvent> out = new ArrayList<>(records.size());
        for (byte[] r : records) {
            try {
                out.add(EventCodec.decode(r));
            } catch (IOException | RuntimeException e) {
                unreadable.incrementAndGet();
                LOG.error("sink {}: a buffered record is not an event ({}); skipped", sink.name(), e.getMessage());
            }
        }
        return out;
    }

    /** What is buffered stays on disk and is delivered after the next start. */
    @Override
    protected void afterStop() {
        queue.close();
    }
}
