package dev.rmmaudit.forwarder;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping the forwarder's own threads. */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    /**
     * Interrupts {@code thread} and waits up to {@code wait} for it to end. A thread still running after that is
     * named in a warning (a stop that hangs is then visible in the log, not silent) and left to end on its own;
     * the caller being interrupted while it waits ends the wait and keeps the caller's interrupt flag set.
     *
     * @return whether the thread has ended ({@code true} for no thread)
     */
    public static boolean stop(Thread thread, Duration wait) {
        if (thread == null) {
            return true;
        }
        thread.interrupt();
        try {
            thread.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
        if (thread.isAlive()) {
            LOG.warn("thread {} did not stop within {} ms; going on without it", thread.getName(), wait.toMillis());
            return false;
        }
        return true;
    }
}
