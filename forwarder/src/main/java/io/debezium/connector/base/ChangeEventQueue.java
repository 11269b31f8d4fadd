package io.debezium.connector.base;

import io.debezium.config.ConfigurationDefaults;
import io.debezium.pipeline.Sizeable;
import io.debezium.time.Temporals;
import io.debezium.util.LoggingContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Takes the place of Debezium 3.5.0's class of this name (the shaded jar leaves theirs out): the same hand-over
 * between the binlog reader and the engine, without the busy wait that ends each empty poll of theirs, and
 * without waking 20 times a second while nothing happens.
 *
 * <p>Theirs times a poll with a millisecond timer that counts as expired only once more whole milliseconds
 * passed than the interval, and waits only while at least one whole millisecond remains, so the last one is
 * spun: with 50 ms polls, 1.7 % of a core on a server where nothing happens (docs/performance.md). This one
 * waits on {@link System#nanoTime()}. And where theirs returns a batch only when it is full or the poll interval
 * is over, so that the interval is both the latency and the rate of idle wake-ups, this one is woken by the
 * first record and returns {@link #LINGER} after it (or sooner, when the batch fills): an idle poll can then
 * wait the whole interval (the forwarder sets 1 s) while a change still reaches the sinks as quickly as with
 * 50 ms polls. The rest is as theirs: a poll returns at once when a batch is full (or the queue holds its byte
 * limit), empty when nothing came in the interval (at most {@link ConfigurationDefaults#RETURN_CONTROL_INTERVAL});
 * a producer waits while the queue is full; with buffering on, each record is held back until the next one
 * (or {@link #flushBuffer}). {@code ChangeEventQueueTest} runs the same scenarios on both classes, theirs loaded
 * from its jar, shows theirs spinning, and fails when Debezium is no longer 3.5.0.Final, so that an upgrade
 * re-checks this class.
 */
public class ChangeEventQueue<T extends Sizeable> implements ChangeEventQueueMetrics {
    /** How long a poll holding records waits for more before it returns them (at most the poll interval). */
    public static final Duration LINGER = Duration.ofMillis(50);

    private final Duration pollInterval;
    private final int maxBatchSize;
    private final int maxQueueSize;
    private final long maxQueueSizeInBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a batch is full (a waiting poll returns) or a first record came (a waiting poll lingers). */
    private final Condition isFull = lock.newCondition();
    /** Signalled when a poll took records: a waiting producer may add. */
    private final Condition isNotFull = lock.newCondition();
    private final QueueProvider<T> queue;
    private final Supplier<LoggingContext.PreviousContext> loggingContextSupplier;
    /** The size of each record in the queue, in order, when a byte limit is set. */
    private final Queue<Long> sizes = new ArrayDeque<>();
    private long currentQueueSizeInBytes;
    /** Touched by the producer thread only. */
    private boolean buffering;
    private final AtomicReference<T> bufferedEvent = new AtomicReference<>();
    private volatile RuntimeException producerException;
    /** A poll holds no records and waits: the next record wakes it. Under the lock. */
    private boolean pollWaitsForFirst;

    private ChangeEventQueue(Builder<T> b, QueueProvider<T> queue) {
        this.pollInterval = b.pollInterval;
        this.maxBatchSize = b.maxBatchSize;
        this.maxQueueSize = b.maxQueueSize;
        this.maxQueueSizeInBytes = b.maxQueueSizeInBytes;
        this.loggingContextSupplier = b.loggingContextSupplier;
        this.buffering = b.buffering;
        this.queue = queue;
    }

    /** Builds a queue; the same settings as Debezium's builder. */
    public static class Builder<T extends Sizeable> {
        private Duration pollInterval;
        private int maxQueueSize;
        private int maxBatchSize;
        private Supplier<LoggingContext.PreviousContext> loggingContextSupplier;
        private long maxQueueSizeInBytes;
        private boolean buffering;
        private QueueProvider<T> queueProvider;

        public Builder<T> pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder<T> maxQueueSize(int maxQueueSize) {
            this.maxQueueSize = maxQueueSize;
            return this;
        }

        public Builder<T> maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder<T> loggingContextSupplier(Supplier<LoggingContext.PreviousContext> loggingContextSupplier) {
            this.loggingContextSupplier = loggingContextSupplier;
            return this;
        }

        public Builder<T> maxQueueSizeInBytes(long maxQueueSizeInBytes) {
            this.maxQueueSizeInBytes = maxQueueSizeInBytes;
            return this;
        }

        public Builder<T> queueProvider(QueueProvider<T> queueProvider) {
            this.queueProvider = queueProvider;
            return this;
        }

        public Builder<T> buffering() {
            this.buffering = true;
            return this;
        }

        public ChangeEventQueue<T> build() {
            return new ChangeEventQueue<>(this,
                    queueProvider != null ? queueProvider : new DefaultQueueProvider<>(maxQueueSize));
        }
    }

    /**
     * Adds a record for {@link #poll()}, waiting while the queue is full. With buffering on, the record is
     * held back and the one held before it is added instead.
     */
    public void enqueue(T record) throws InterruptedException {
        if (record == null) {
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (buffering) {
            record = bufferedEvent.getAndSet(record);
            if (record == null) {
                return;
            }
        }
        doEnqueue(record);
    }

    /** Adds the record held back, changed by {@code recordModifier} (the last of a snapshot, say). */
    public void flushBuffer(Function<T, T> recordModifier) throws InterruptedException {
        assert buffering : "Unsupported for queues with disabled buffering";
        T record = bufferedEvent.getAndSet(null);
        if (record != null) {
            doEnqueue(recordModifier.apply(record));
        }
    }

    public void disableBuffering() {
        assert bufferedEvent.get() == null : "Buffer must be flushed";
        buffering = false;
    }

    public void enableBuffering() {
        buffering = true;
    }

    public boolean isBuffered() {
        return buffering;
    }

    protected void doEnqueue(T record) throws InterruptedException {
        lock.lock();
        try {
            while (queue.size() >= maxQueueSize || overBytes()) {
                isFull.signalAll();
                isNotFull.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
            queue.enqueue(record);
            if (maxQueueSizeInBytes > 0) {
                long size = record.objectSize();
                sizes.add(size);
                currentQueueSizeInBytes += size;
            }
            if (pollWaitsForFirst || queue.size() >= maxBatchSize || overBytes()) {
                pollWaitsForFirst = false;
                isFull.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean overBytes() {
        return maxQueueSizeInBytes > 0 && currentQueueSizeInBytes >= maxQueueSizeInBytes;
    }

    /**
     * The next batch: up to {@code maxBatchSize} records, returned as soon as it is full (or the queue holds its
     * byte limit), else {@link #LINGER} after the first record (at most the poll interval), else empty when the
     * poll interval is over. Waits without spinning.
     */
    public List<T> poll() throws InterruptedException {
        LoggingContext.PreviousContext previousContext = loggingContextSupplier.get();
        try {
            Duration interval = Temporals.min(pollInterval, ConfigurationDefaults.RETURN_CONTROL_INTERVAL);
            long deadline = System.nanoTime() + interval.toNanos();
            long linger = Temporals.min(interval, LINGER).toNanos();
            boolean lingering = false;
            lock.lock();
            try {
                List<T> records = new ArrayList<>(Math.min(maxBatchSize, queue.size()));
                throwProducerExceptionIfPresent();
                while (drain(records) < maxBatchSize && !overBytes()) {
                    if (!lingering && !records.isEmpty()) {
                        lingering = true;
                        deadline = Math.min(deadline, System.nanoTime() + linger);
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    throwProducerExceptionIfPresent();
                    isNotFull.signalAll();
                    pollWaitsForFirst = records.isEmpty();
                    isFull.awaitNanos(remaining);
                }
                pollWaitsForFirst = false;
                isNotFull.signalAll();
                return records;
            } finally {
                lock.unlock();
            }
        } finally {
            previousContext.restore();
        }
    }

    /** Moves records from the queue into the batch until it is full; returns the batch's size. */
    private int drain(List<T> records) throws InterruptedException {
        int n = Math.min(queue.size(), maxBatchSize - records.size());
        for (int i = 0; i < n; i++) {
            records.add(queue.poll());
            if (maxQueueSizeInBytes > 0) {
                Long size = sizes.poll();
                currentQueueSizeInBytes -= size == null ? 0 : size;
            }
        }
        return records.size();
    }

    /** Makes the next {@link #poll()} throw {@code producerException}: the reader failed. */
    public void producerException(RuntimeException producerException) {
        this.producerException = producerException;
    }

    private void throwProducerExceptionIfPresent() {
        if (producerException != null) {
            throw producerException;
        }
    }

    @Override
    public int totalCapacity() {
        return maxQueueSize;
    }

    @Override
    public int remainingCapacity() {
        return maxQueueSize - queue.size();
    }

    @Override
    public long maxQueueSizeInBytes() {
        return maxQueueSizeInBytes;
    }

    @Override
    public long currentQueueSizeInBytes() {
        return currentQueueSizeInBytes;
    }
}
