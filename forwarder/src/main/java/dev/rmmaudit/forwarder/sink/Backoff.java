package dev.rmmaudit.forwarder.sink;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Exponential backoff with full jitter, capped: how long to wait before the n-th retry. Built on
 * Resilience4j's interval functions so that every sink waits the same way.
 */
public final class Backoff {
    private final IntervalFunction intervals;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("maximum backoff must not be below the initial " + initial);
        }
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initial, 2.0, 1.0, max);
    }

    /** The wait before retry {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        return Duration.ofMillis(intervals.apply(Math.max(1, Math.min(attempt, 60))));
    }
}
