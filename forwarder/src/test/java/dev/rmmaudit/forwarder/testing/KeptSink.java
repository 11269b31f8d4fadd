package dev.rmmaudit.forwarder.testing;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** A sink that keeps every event it is given, and waits for the ones a test expects. */
public final class KeptSink extends TestSink {
    public final List<SecurityEvent> events = Collections.synchronizedList(new ArrayList<>());

    public KeptSink() {
        super("kept");
    }

    @Override
    public void deliver(List<SecurityEvent> batch) {
        events.addAll(batch);
    }

    /** The events matching {@code p}, once at least {@code n} arrived or after 30 s. */
    public List<SecurityEvent> await(Predicate<SecurityEvent> p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && List.copyOf(events).stream().filter(p).count() < n) {
            Thread.sleep(20);
        }
        return List.copyOf(events).stream().filter(p).toList();
    }

    /** The events (not alerts) of action {@code action}. */
    public static Predicate<SecurityEvent> action(String action) {
        return e -> e.action().equals(action) && !e.isAlert();
    }

    /** The alerts of rule {@code ruleName}. */
    public static Predicate<SecurityEvent> alert(String ruleName) {
        return e -> e.isAlert() && e.action().equals(ruleName);
    }
}
