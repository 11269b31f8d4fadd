package dev.rmmaudit.forwarder.sink;

import java.util.concurrent.atomic.LongAdder;

/** Counters one sink keeps: what it sent, retried, failed to send, dead-lettered, cut short, and how fast. */
public final class SinkMetrics {
    private final LongAdder sent = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder latencyMillis = new LongAdder();
    private final LongAdder deliveries = new LongAdder();

    private volatile boolean failing;

    /** Whether the last attempt to deliver failed (the sink is not delivering now). */
    public boolean failing() {
        return failing;
    }

    public void sent(long n) {
        failing = false;
        sent.add(n);
    }

    public void retried() {
        retried.increment();
    }

    public void failed() {
        failing = true;
        failures.increment();
    }

    public void truncated() {
        truncated.increment();
    }

    public void deadLettered(long n) {
        deadLettered.add(n);
    }

    /** Records how long one delivery took, from the first attempt to success. */
    public void latency(long millis) {
        latencyMillis.add(millis);
        deliveries.increment();
    }

    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Mean delivery latency in milliseconds, or 0 before the first delivery. */
    public long meanLatencyMillis() {
        long n = deliveries.sum();
        return n == 0 ? 0 : latencyMillis.sum() / n;
    }

    public long sent() {
        return sent.sum();
    }

    public long retries() {
        return retried.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long truncations() {
        return truncated.sum();
    }

    @Override
    public String toString() {
        return "sent=" + sent() + " retries=" + retries() + " failures=" + failures() + " deadLettered="
                + deadLettered() + " truncated=" + truncations() + " meanLatencyMs=" + meanLatencyMillis();
    }
}
