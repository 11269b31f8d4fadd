package io.debezium.connector.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.debezium.pipeline.Sizeable;
import io.debezium.util.LoggingContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Our {@link ChangeEventQueue} and Debezium's own, loaded from the Debezium jar beside it, through the same
 * scenarios: the same batches at the same moments (a full batch at once, a partial one when the interval is over),
 * the producer held while the queue is full, the byte limit, buffering, the producer's exception. And the
 * reason ours exists: an empty poll of theirs spins through its last millisecond, ours waits.
 */
class ChangeEventQueueTest {
    private static final String NAME = "io.debezium.connector.base.ChangeEventQueue";
    private static TheirsLoader theirs;

    /** Loads Debezium's ChangeEventQueue (and its builder) from its jar; everything else from the test's loader. */
    private static final class TheirsLoader extends URLClassLoader {
        TheirsLoader(URL jar) {
            super(new URL[] {jar}, ChangeEventQueueTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(NAME) && !name.startsWith(NAME + "$")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }
    }

    @BeforeAll
    static void loadTheirs() {
        theirs = new TheirsLoader(QueueProvider.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @AfterAll
    static void closeTheirs() throws Exception {
        theirs.close();
    }

    record Item(String name, long objectSize) implements Sizeable {
    }

    /** A queue provider that counts how often the queue asks for its size: once per look at the queue. */
    static final class Counting implements QueueProvider<Item> {
        final DefaultQueueProvider<Item> queue = new DefaultQueueProvider<>(1000);
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public void configure(Map<String, ?> config) {
        }

        @Override
        public void enqueue(Item item) throws InterruptedException {
            queue.enqueue(item);
        }

        @Override
        public Item poll() throws InterruptedException {
            return queue.poll();
        }

        @Override
        public int size() {
            looks.incrementAndGet();
            return queue.size();
        }
    }

    /** One of the two queues, driven by reflection so that both run the same code here. */
    static final class Q {
        final Object queue;
        final Class<?> type;

        Q(String which, Duration pollInterval, int maxBatchSize, int maxQueueSize, long maxBytes, boolean buffering,
                QueueProvider<Item> provider) throws Exception {
            Class<?> c = which.equals("ours") ? ChangeEventQueue.class : theirs.loadClass(NAME);
            assertTrue(which.equals("ours") == (c == ChangeEventQueue.class));
            Class<?> builderType = c.getClassLoader().loadClass(NAME + "$Builder");
            Object b = builderType.getConstructor().newInstance();
            Supplier<LoggingContext.PreviousContext> logging = () -> LoggingContext.forConnector("test", "test", "test");
            builderType.getMethod("pollInterval", Duration.class).invoke(b, pollInterval);
            builderType.getMethod("maxBatchSize", int.class).invoke(b, maxBatchSize);
            builderType.getMethod("maxQueueSize", int.class).invoke(b, maxQueueSize);
            builderType.getMethod("maxQueueSizeInBytes", long.class).invoke(b, maxBytes);
            builderType.getMethod("loggingContextSupplier", Supplier.class).invoke(b, logging);
            if (provider != null) {
                builderType.getMethod("queueProvider", QueueProvider.class).invoke(b, provider);
            }
            if (buffering) {
                builderType.getMethod("buffering").invoke(b);
            }
            this.queue = builderType.getMethod("build").invoke(b);
            this.type = c;
        }

        Q(String which, Duration pollInterval, int maxBatchSize, int maxQueueSize) throws Exception {
            this(which, pollInterval, maxBatchSize, maxQueueSize, 0, false, null);
        }

        private Object call(String name, Class<?>[] types, Object... args) throws Exception {
            Method m = type.getMethod(name, types);
            try {
                return m.invoke(queue, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
            }
        }

        void enqueue(String... names) throws Exception {
            for (String n : names) {
                enqueue(new Item(n, 10));
            }
        }

        void enqueue(Item item) throws Exception {
            call("enqueue", new Class<?>[] {Sizeable.class}, item);
        }

        @SuppressWarnings("unchecked")
        List<String> poll() throws Exception {
            List<Item> items = (List<Item>) call("poll", new Class<?>[0]);
            return items.stream().map(Item::name).toList();
        }

        void flushBuffer(Function<Item, Item> change) throws Exception {
            call("flushBuffer", new Class<?>[] {Function.class}, change);
        }

        void producerException(RuntimeException e) throws Exception {
            call("producerException", new Class<?>[] {RuntimeException.class}, e);
        }

        int remainingCapacity() throws Exception {
            return (int) call("remainingCapacity", new Class<?>[0]);
        }

        long currentQueueSizeInBytes() throws Exception {
            return (long) call("currentQueueSizeInBytes", new Class<?>[0]);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void poll_fullBatch_returnsAtOnceAndTheRestAfterTheLingerOrTheInterval(String which) throws Exception {
        Q q = new Q(which, Duration.ofSeconds(1), 3, 10);
        q.enqueue("a", "b", "c", "d");

        long start = System.nanoTime();
        assertEquals(List.of("a", "b", "c"), q.poll());
        assertTrue(millisSince(start) < 500, "a full batch waited " + millisSince(start) + " ms");
        start = System.nanoTime();
        assertEquals(List.of("d"), q.poll());
        long waited = millisSince(start);
        if (which.equals("ours")) { // hands a partial batch on after the linger
            assertTrue(waited >= ChangeEventQueue.LINGER.toMillis() - 1 && waited < 500, "waited " + waited + " ms");
        } else { // Debezium's waits the whole interval
            assertTrue(waited >= 990, "a partial batch returned after " + waited + " ms");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void poll_recordArrivesWhileWaiting_returnsItAfterTheLingerOrTheInterval(String which) throws Exception {
        Q q = new Q(which, Duration.ofSeconds(1), 10, 10);
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(200);
                q.enqueue("a");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();

        long start = System.nanoTime();
        assertEquals(List.of("a"), q.poll());
        long waited = millisSince(start);
        producer.join();
        if (which.equals("ours")) { // woken by the record, then lingers for more
            assertTrue(waited >= 200 + ChangeEventQueue.LINGER.toMillis() - 1 && waited < 700, "waited " + waited + " ms");
        } else {
            assertTrue(waited >= 990, "returned after " + waited + " ms");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void poll_nothingArrives_returnsEmptyWhenTheIntervalIsOver(String which) throws Exception {
        Q q = new Q(which, Duration.ofMillis(40), 3, 10);

        long start = System.nanoTime();
        assertEquals(List.of(), q.poll());
        assertTrue(millisSince(start) >= 39, "returned after " + millisSince(start) + " ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void poll_batchFillsWhileWaiting_returnsWhenItIsFull(String which) throws Exception {
        Q q = new Q(which, Duration.ofSeconds(3), 2, 10);
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(100);
                q.enqueue("a", "b", "c");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();

        long start = System.nanoTime();
        assertEquals(List.of("a", "b"), q.poll());
        assertTrue(millisSince(start) < 1_500, "waited " + millisSince(start) + " ms for a full batch");
        producer.join();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void enqueue_queueFull_waitsUntilAPollTakesRecords(String which) throws Exception {
        Q q = new Q(which, Duration.ofMillis(20), 2, 2);
        List<Exception> failures = new ArrayList<>();
        Thread producer = new Thread(() -> {
            try {
                q.enqueue("a", "b", "c", "d", "e");
            } catch (Exception e) {
                failures.add(e);
            }
        });
        producer.start();
        producer.join(300);
        assertTrue(producer.isAlive(), "the producer did not wait for room");
        assertEquals(0, q.remainingCapacity());

        List<String> polled = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (polled.size() < 5 && System.nanoTime() < deadline) {
            polled.addAll(q.poll());
        }
        producer.join(5_000);
        assertEquals(List.of("a", "b", "c", "d", "e"), polled);
        assertEquals(List.of(), failures);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void enqueue_byteLimitReached_waitsUntilAPollTakesRecords(String which) throws Exception {
        Q q = new Q(which, Duration.ofMillis(200), 10, 10, 100, false, null);
        Thread producer = new Thread(() -> {
            try {
                q.enqueue(new Item("a", 60));
                q.enqueue(new Item("b", 50));
                q.enqueue(new Item("c", 10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        producer.join(300);
        assertTrue(producer.isAlive(), "the producer did not wait below the byte limit");
        assertEquals(110, q.currentQueueSizeInBytes());

        assertEquals(List.of("a", "b", "c"), q.poll());
        producer.join(5_000);
        assertEquals(0, q.currentQueueSizeInBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void enqueue_buffering_holdsEachRecordBackUntilTheNextOrAFlush(String which) throws Exception {
        Q q = new Q(which, Duration.ofMillis(20), 10, 10, 0, true, null);
        q.enqueue("a", "b");

        assertEquals(List.of("a"), q.poll());
        q.flushBuffer(i -> new Item(i.name() + " (last)", i.objectSize()));
        assertEquals(List.of("b (last)"), q.poll());
        assertEquals(List.of(), q.poll());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "theirs"})
    void poll_producerFailed_throwsItsException(String which) throws Exception {
        Q q = new Q(which, Duration.ofMillis(20), 10, 10);
        q.enqueue("a");
        IllegalStateException failure = new IllegalStateException("binlog reader stopped");
        q.producerException(failure);

        assertSame(failure, assertThrows(IllegalStateException.class, q::poll));
    }

    @Test
    void poll_emptyQueue_waitsWhereDebeziumsSpins() throws Exception {
        int polls = 10;
        Counting ours = new Counting();
        Counting debeziums = new Counting();
        Q a = new Q("ours", Duration.ofMillis(20), 10, 10, 0, false, ours);
        Q b = new Q("theirs", Duration.ofMillis(20), 10, 10, 0, false, debeziums);
        assertNotSame(a.type, b.type);

        for (int i = 0; i < polls; i++) {
            a.poll();
            b.poll();
        }

        // ours looks at the queue when a poll starts and each time it wakes: a few times per poll
        assertTrue(ours.looks.get() <= polls * 6, "ours looked " + ours.looks + " times in " + polls + " polls");
        // theirs looks in a loop through the last millisecond of each poll: thousands of times. When a Debezium
        // release no longer does, it fixed the wait: delete our class (see the version test below).
        assertTrue(debeziums.looks.get() > polls * 20,
                "Debezium's queue looked only " + debeziums.looks + " times in " + polls + " polls: no longer spinning?");
    }

    @Test
    void debeziumVersion_isTheOneThisClassReplaces() {
        assertEquals("3.5.0.Final", io.debezium.connector.mysql.Module.version(),
                "Debezium was upgraded: if its ChangeEventQueue.poll no longer spins through the last millisecond "
                        + "(see poll_emptyQueue_waitsWhereDebeziumsSpins), delete "
                        + "forwarder/src/main/java/io/debezium/connector/base/, its test and the shade exclusions in "
                        + "forwarder/pom.xml; else check that our class still matches theirs");
    }
}
