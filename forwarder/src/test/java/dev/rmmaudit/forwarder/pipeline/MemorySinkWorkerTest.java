package dev.rmmaudit.forwarder.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.TestSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemorySinkWorkerTest {
    /** Records the size of every delivery. */
    private static final class Sizes extends TestSink {
        final List<Integer> deliveries = Collections.synchronizedList(new ArrayList<>());

        Sizes() {
            super("sizes");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) {
            deliveries.add(batch.size());
        }
    }

    @Test
    void submit_withinMaxAge_isCoalescedIntoOneDelivery() throws Exception {
        Sizes sink = new Sizes();
        try (MemorySinkWorker w = new MemorySinkWorker(sink, 1000, Duration.ofMillis(400))) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                done.add(w.submit(List.of(Events.withValue("a"), Events.withValue("b"))));
                Thread.sleep(50);
            }
            for (CompletableFuture<Void> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertEquals(List.of(6), sink.deliveries);
        }
    }

    @Test
    void submit_withZeroAge_isDeliveredWithoutWaiting() throws Exception {
        Sizes sink = new Sizes();
        try (MemorySinkWorker w = new MemorySinkWorker(sink, 1000, Duration.ZERO)) {
            long start = System.nanoTime();
            w.submit(List.of(Events.withValue("a"))).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(1), sink.deliveries);
            assertEquals(true, System.nanoTime() - start < 300_000_000L);
        }
    }

    @Test
    void submit_aFullBatch_isDeliveredWithoutWaitingForMaxAge() throws Exception {
        Sizes sink = new Sizes();
        try (MemorySinkWorker w = new MemorySinkWorker(sink, 1000, Duration.ofSeconds(60), 4)) {
            submitPairsAndWait(w, 2); // within 10 s, not the 60 s of maxAge
            assertEquals(List.of(4), sink.deliveries);
        }
    }

    @Test
    void submit_moreThanAFullBatch_isCutAtTheFirstJobThatFillsIt() throws Exception {
        Sizes sink = new Sizes();
        try (MemorySinkWorker w = new MemorySinkWorker(sink, 1000, Duration.ofMillis(300), 4)) {
            submitPairsAndWait(w, 3);
            assertEquals(List.of(4, 2), sink.deliveries);
        }
    }

    /** Submits {@code jobs} jobs of two events each at once, then waits (10 s at most) until all are delivered. */
    private static void submitPairsAndWait(MemorySinkWorker w, int jobs) throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            done.add(w.submit(List.of(Events.withValue("a"), Events.withValue("b"))));
        }
        for (CompletableFuture<Void> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
    }
}
