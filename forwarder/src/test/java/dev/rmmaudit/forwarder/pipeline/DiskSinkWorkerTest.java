package dev.rmmaudit.forwarder.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rmmaudit.forwarder.buffer.EventCodec;
import dev.rmmaudit.forwarder.config.BufferConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.TestSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSinkWorkerTest {
    /** Keeps what it is given; while {@link #down} it blocks as a sink does when its SIEM is away. */
    private static final class Siem extends TestSink {
        final List<String> names = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch down = new CountDownLatch(0);

        Siem() {
            super("siem");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) throws InterruptedException {
            down.await();
            batch.forEach(e -> names.add(e.name()));
        }
    }

    @TempDir
    Path dir;

    private BufferConfig disk(long maxBytes, String whenFull) {
        return new BufferConfig("disk", 0, maxBytes, whenFull, true, dir.resolve("buffer"));
    }

    private static List<SecurityEvent> events(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> Events.withValue("e" + i)).toList();
    }

    private static List<String> names(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "e" + i).toList();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }

    @Test
    void codec_hostileEvent_roundTripsEveryField() throws Exception {
        SecurityEvent e = Events.withValue("x|y\\z=\n\u0000\ud83d\ude00 \"quoted\"");
        assertEquals(e, EventCodec.decode(EventCodec.encode(e)));
    }

    @Test
    void submit_sinkDown_completesOnceWrittenAndDeliversWhenTheSinkReturns() throws Exception {
        Siem siem = new Siem();
        CountDownLatch down = new CountDownLatch(1);
        siem.down = down;
        try (DiskSinkWorker w = new DiskSinkWorker(siem, disk(BufferConfig.MIN_MAX_BYTES, "block"), Duration.ZERO,
                Duration.ofSeconds(1), a -> { })) {
            for (int i = 0; i < 100; i += 10) {
                CompletableFuture<Void> f = w.submit(events(i, i + 10));
                assertTrue(f.isDone(), "safe on disk: the binlog position may move on");
            }
            assertEquals(100, w.pendingEvents());
            down.countDown();
            await(() -> siem.names.size() == 100);
            assertEquals(names(0, 100), siem.names);
            await(() -> w.pendingEvents() == 0);
        }
    }

    @Test
    void submit_aFullBatch_isDeliveredWithoutWaitingForMaxAge() throws Exception {
        Siem siem = new Siem();
        try (DiskSinkWorker w = new DiskSinkWorker(siem, disk(BufferConfig.MIN_MAX_BYTES, "block"),
                Duration.ofSeconds(60), 2, Duration.ofSeconds(1), a -> { }, null)) {
            w.submit(events(0, 2));
            await(() -> siem.names.size() == 2); // within 10 s, not the 60 s of maxAge
            assertEquals(names(0, 2), siem.names);
        }
    }

    @Test
    void submit_restartWithUndeliveredEvents_deliversThemFirst() throws Exception {
        Siem away = new Siem();
        away.down = new CountDownLatch(1);
        try (DiskSinkWorker w = new DiskSinkWorker(away, disk(BufferConfig.MIN_MAX_BYTES, "block"), Duration.ZERO,
                Duration.ofSeconds(1), a -> { })) {
            w.submit(events(0, 50));
        }
        Siem back = new Siem();
        try (DiskSinkWorker w = new DiskSinkWorker(back, disk(BufferConfig.MIN_MAX_BYTES, "block"), Duration.ZERO,
                Duration.ofSeconds(1), a -> { })) {
            w.submit(events(50, 60));
            await(() -> back.names.size() == 60);
            assertEquals(names(0, 60), back.names);
        }
    }

    @Test
    void submit_fullWithDropNewest_dropsAndCountsWithoutBlocking() throws Exception {
        Siem siem = new Siem();
        CountDownLatch down = new CountDownLatch(1);
        siem.down = down;
        int size = EventCodec.encode(Events.withValue("e0")).length + 8;
        long usable = BufferConfig.MIN_MAX_BYTES - BufferConfig.MIN_MAX_BYTES / 8;
        int fit = (int) (usable / size);
        try (DiskSinkWorker w = new DiskSinkWorker(siem, disk(BufferConfig.MIN_MAX_BYTES, "drop_newest"),
                Duration.ZERO, Duration.ofSeconds(1), a -> { })) {
            for (int i = 0; i < fit + 100; i += 100) {
                w.submit(events(i, i + 100));
            }
            assertTrue(w.dropped() > 0 && w.dropped() <= 200, "dropped " + w.dropped());
            long kept = w.pendingEvents();
            assertEquals(((fit + 100 + 99) / 100) * 100, kept + w.dropped());
            down.countDown();
            await(() -> siem.names.size() == kept);
            assertEquals(names(0, (int) kept), siem.names, "the oldest are kept, the newest dropped");
        }
    }

    @Test
    void submit_fullWithBlock_waitsForDelivery() throws Exception {
        Siem siem = new Siem();
        CountDownLatch down = new CountDownLatch(1);
        siem.down = down;
        try (DiskSinkWorker w = new DiskSinkWorker(siem, disk(BufferConfig.MIN_MAX_BYTES, "block"), Duration.ZERO,
                Duration.ofSeconds(1), a -> { })) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i += 100) {
                        w.submit(events(i, i + 100));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            writer.join(2_000);
            assertTrue(writer.isAlive(), "the writer waits while the buffer is full");
            long held = w.pendingEvents();
            assertTrue(held < 20_000, "held " + held);
            down.countDown();
            writer.join(30_000);
            await(() -> siem.names.size() == 20_000);
            assertEquals(names(0, 20_000), siem.names);
        }
    }

    @Test
    void submit_diskRefusesWrites_alertsWaitsAndLosesNothing() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full (Linux) to make the disk refuse writes");
        Siem siem = new Siem();
        List<SecurityEvent> alarms = Collections.synchronizedList(new ArrayList<>());
        BufferConfig config = disk(BufferConfig.MIN_MAX_BYTES, "block");
        try (DiskSinkWorker w = new DiskSinkWorker(siem, config, Duration.ZERO, Duration.ofMillis(200),
                alarms::add)) {
            Path next = config.dir().resolve(String.format("%020d.seg", 1));
            Files.createSymbolicLink(next, full);
            int sent = 0;
            // Fill segment 0 until the queue moves on to the refusing device.
            while (Files.size(config.dir().resolve(String.format("%020d.seg", 0))) < config.segmentBytes()) {
                w.submit(events(sent, sent + 100));
                sent += 100;
            }
            int upTo = sent;
            Thread writer = new Thread(() -> {
                try {
                    w.submit(events(upTo, upTo + 10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            await(() -> !alarms.isEmpty());
            assertTrue(writer.isAlive(), "reading stops while the buffer cannot be written");
            assertEquals(DiskSinkWorker.WRITE_FAILED, alarms.get(0).ruleId());
            assertTrue(alarms.get(0).message().contains("No space left"), alarms.get(0).message());
            Files.delete(next);
            writer.join(10_000);
            assertFalse(writer.isAlive());
            await(() -> siem.names.size() == upTo + 10);
            assertEquals(names(0, upTo + 10), siem.names);
        }
    }
}
