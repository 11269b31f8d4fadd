package dev.rmmaudit.forwarder;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    /** A started thread that does not stop when interrupted, only once {@code release} opens. */
    private static Thread ignoringInterrupts(String name, CountDownLatch release) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException e) {
                    // ignored on purpose: a thread that does not stop
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void stop_threadThatEndsOnInterrupt_isInterruptedAndJoined() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // ends
            }
        }, "ends-on-interrupt");
        t.start();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertTrue(Threads.stop(t, Duration.ofSeconds(10)));
        assertFalse(t.isAlive());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "did not wait out the timeout");
    }

    @Test
    void stop_threadIgnoringInterrupts_returnsFalseAfterTheWait_warnsWithItsName_andLeavesIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = ignoringInterrupts("ignores-interrupts", release);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                Threads.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            assertFalse(Threads.stop(t, Duration.ofMillis(200)));
        } finally {
            log.detachAppender(seen);
        }
        assertTrue(t.isAlive());
        assertTrue(seen.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && e.getFormattedMessage().contains("ignores-interrupts")), seen.list::toString);
        release.countDown();
        t.join(5000);
        assertFalse(t.isAlive());
    }

    @Test
    void stop_callerInterruptedWhileWaiting_stopsWaiting_andKeepsItsInterruptFlag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread stubborn = ignoringInterrupts("stubborn", release);
        boolean[] result = new boolean[2];
        Thread caller = new Thread(() -> {
            result[0] = Threads.stop(stubborn, Duration.ofSeconds(60));
            result[1] = Thread.currentThread().isInterrupted();
        }, "caller");
        caller.start();
        Thread.sleep(200);
        caller.interrupt();
        caller.join(5000);
        assertFalse(caller.isAlive(), "the caller's wait ended when it was interrupted");
        assertFalse(result[0], "the thread had not ended");
        assertTrue(result[1], "the caller's interrupt flag is kept");
        release.countDown();
    }

    @Test
    void stop_noThread_isTrue() {
        assertTrue(Threads.stop(null, Duration.ofSeconds(1)));
    }
}
