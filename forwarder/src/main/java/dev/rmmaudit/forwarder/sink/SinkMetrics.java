package dev.rmmaudit.forwarder.sink;

import java.util.concurrent.atomic.LongAdder;

/** Counters one sink keeps: what it sent, retried, failed to send, and cut short. */
public final class SinkMetrics {
    private final LongAdder sent = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder truncated = new LongAdder();

    public void sent(long n) {
        sent.add(n);
    }

    public void retried() {
        retried.increment();
    }

    public void failed() {
        failures.increment();
    }

    public void truncated() {
        truncated.increment();
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
        return "sent=" + sent() + " retries=" + retries() + " failures=" + failures() + " truncated=" + truncations();
    }
}
