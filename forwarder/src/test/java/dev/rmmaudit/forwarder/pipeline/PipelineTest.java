package dev.rmmaudit.forwarder.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.testing.TestSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path dir;

    /** A value whose text cannot be read: stands for a row the mapping cannot handle. */
    private static final Object POISON = new Object() {
        @Override
        public String toString() {
            throw new IllegalStateException("unreadable value");
        }
    };

    private static final class Recording extends TestSink {
        final List<SecurityEvent> got = new ArrayList<>();

        Recording() {
            super("rec");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) {
            got.addAll(batch);
        }
    }

    private static RowChange rename(String id, Object newName, String password) {
        Map<String, Object> before = new HashMap<>(Map.of("UserID", id, "Name", "old" + id, "ClientID", "2,",
                "Password", password));
        Map<String, Object> after = new HashMap<>(before);
        after.put("Name", newName);
        return new RowChange(RowChange.Op.UPDATE, "db", "labtech", "users", before, after, Instant.EPOCH,
                "binlog.000001:" + id + ":0");
    }

    /** A pipeline of the bundled Automate mappings into {@code sink} alone, with a memory buffer of {@code maxEvents}. */
    private Pipeline pipeline(TestSink sink, int maxEvents, dev.rmmaudit.forwarder.rule.Detector detector) {
        Mappings mappings = MappingLoader.load(null);
        return new Pipeline("automate", new EventMapper(mappings, new AutomateDirectory()), route(sink, maxEvents),
                new DeadLetterFile(dir.resolve("d"), mappings), detector);
    }

    /** The same with rules of the test's own. */
    private Pipeline pipeline(TestSink sink, int maxEvents, Pipeline.Rules rules) {
        Mappings mappings = MappingLoader.load(null);
        return Pipeline.withRules("automate", new EventMapper(mappings, new AutomateDirectory()),
                route(sink, maxEvents), new DeadLetterFile(dir.resolve("d"), mappings), rules);
    }

    private static List<Route> route(TestSink sink, int maxEvents) {
        return List.of(new Route(sink, "all", new dev.rmmaudit.forwarder.config.BufferConfig("memory", maxEvents, 0,
                "block", true, null), java.time.Duration.ZERO));
    }

    @Test
    void handle_rowTheMappingCannotRead_isDeadLetteredWithoutSecretsAndTheRestDelivered() throws Exception {
        Mappings mappings = MappingLoader.load(null);
        Recording sink = new Recording();
        Path dead = dir.resolve("dead.jsonl");
        Pipeline p = new Pipeline("automate", new EventMapper(mappings, new AutomateDirectory()),
                List.of(Route.all(sink)), new DeadLetterFile(dead, mappings), null);
        p.handle(List.of(rename("1", "alice", "h1"), rename("2", POISON, "topsecrethash"), rename("3", "carol", "h3")))
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        p.close();
        assertEquals(List.of("alice", "carol"), sink.got.stream().map(SecurityEvent::targetUserName).toList());
        assertEquals(1, p.deadLettered());
        assertEquals(3, p.rows());
        String line = Files.readString(dead);
        assertTrue(line.contains("unreadable value"), line);
        assertTrue(line.contains("binlog.000001:2:0"), line);
        assertFalse(line.contains("topsecrethash"), line);
        assertTrue(line.contains("[redacted]"), line);
    }

    /** A sink that delivers only while its gate is open. */
    private static final class Gated extends TestSink {
        final List<SecurityEvent> got = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        Gated() {
            super("slow");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) throws InterruptedException {
            gate.await();
            got.addAll(batch);
        }

        @Override
        public void close() {
            gate.countDown();
        }
    }

    @Test
    void handle_oneSinkStalled_otherSinkKeepsReceiving_andNothingCountsAsDeliveredUntilBothHaveIt()
            throws Exception {
        Mappings mappings = MappingLoader.load(null);
        Recording fast = new Recording();
        Gated slow = new Gated();
        Pipeline p = new Pipeline("automate", new EventMapper(mappings, new AutomateDirectory()),
                List.of(Route.all(fast), new Route(slow, "all", new dev.rmmaudit.forwarder.config.BufferConfig("memory", 3, 0, "block", true, null), java.time.Duration.ZERO)), new DeadLetterFile(dir.resolve("d"), mappings),
                null);
        List<java.util.concurrent.CompletableFuture<Void>> batches = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
        }
        Thread.sleep(300);
        assertEquals(3, fast.got.size(), "the healthy sink is not held back");
        assertTrue(batches.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone),
                "no batch is delivered while the stalled sink owes it");
        assertEquals(3, p.pendingBySink().get("slow"));
        java.util.concurrent.CompletableFuture<Void> fourth = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                p.handle(List.of(rename("4", "user4", "h")));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(fourth.isDone(), "the stalled sink's bound is reached: the pipeline waits (backpressure)");
        slow.gate.countDown();
        fourth.get(5, java.util.concurrent.TimeUnit.SECONDS);
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            b.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(p.drain(java.time.Duration.ofSeconds(5)));
        assertEquals(4, slow.got.size());
        p.close();
    }

    /**
     * A sink that sends at once and confirms when the test says so (as HEC's acks do). Like HEC it keeps no
     * events meanwhile: only their number per batch, and weak references to see whether anyone else does.
     */
    private static final class ConfirmsLater extends TestSink {
        final List<Integer> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<java.lang.ref.WeakReference<SecurityEvent>> given =
                java.util.Collections.synchronizedList(new ArrayList<>());
        final List<java.util.concurrent.CompletableFuture<Void>> confirmations =
                java.util.Collections.synchronizedList(new ArrayList<>());

        ConfirmsLater() {
            super("acks");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) {
            throw new AssertionError("the memory worker must not wait for confirmation");
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> deliverAsync(List<SecurityEvent> batch) {
            batch.forEach(e -> given.add(new java.lang.ref.WeakReference<>(e)));
            java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
            confirmations.add(f);
            sent.add(batch.size());
            return f;
        }

        int sentEvents() {
            return sent.stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void handle_sinkConfirmingLater_keepsSending_countsUnconfirmedAsOwed_andWaitsAtTheBound() throws Exception {
        ConfirmsLater acks = new ConfirmsLater();
        Pipeline p = pipeline(acks, 3, (dev.rmmaudit.forwarder.rule.Detector) null);
        List<java.util.concurrent.CompletableFuture<Void>> batches = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (acks.sentEvents() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(3, acks.sentEvents(), "sent without waiting for confirmations");
        assertEquals(3, p.pendingBySink().get("acks"), "unconfirmed events are still owed");
        assertTrue(batches.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone));
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> fourthDelivered =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CompletableFuture<Void> fourth = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                fourthDelivered.set(p.handle(List.of(rename("4", "user4", "h"))));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(fourth.isDone(), "three unconfirmed events reach the bound of three: backpressure");
        new ArrayList<>(acks.confirmations).forEach(f -> f.complete(null));
        fourth.get(5, java.util.concurrent.TimeUnit.SECONDS);
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            b.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        while (acks.confirmations.size() < acks.sent.size() || acks.sentEvents() < 4) {
            Thread.sleep(10);
        }
        assertEquals(1L, p.pendingBySink().get("acks"));
        acks.confirmations.get(acks.confirmations.size() - 1).completeExceptionally(new IllegalStateException(
                "refused"));
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> fourthDelivered.get().get(5,
                        java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("refused"), failed.toString());
        assertEquals(0L, p.pendingBySink().get("acks"), "a failed confirmation releases its share of the bound");
        p.close();
    }

    @Test
    void handle_sinkConfirmingLater_eventsAwaitingConfirmationAreNotHeldByThePipeline() throws Exception {
        ConfirmsLater sink = new ConfirmsLater();
        Pipeline p = pipeline(sink, 100, (dev.rmmaudit.forwarder.rule.Detector) null);
        java.util.concurrent.CompletableFuture<Void> batch = p.handle(List.of(rename("1", "a", "h"),
                rename("2", "b", "h")));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sink.given.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, sink.given.size());
        while (sink.given.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(sink.given.stream().allMatch(r -> r.get() == null),
                "events a sink has taken are the sink's to keep, not held again while it awaits confirmation");
        assertFalse(batch.isDone(), "still owed");
        assertEquals(2L, p.pendingBySink().get("acks"), "still counted against the bound");
        p.close();
    }
    /** One rule: every rename raises an alert. */
    private static dev.rmmaudit.forwarder.rule.Detector renameDetector() {
        dev.rmmaudit.forwarder.config.Problems problems = new dev.rmmaudit.forwarder.config.Problems();
        List<dev.rmmaudit.forwarder.rule.Rule> rules = dev.rmmaudit.forwarder.rule.RuleLoader.parse("t.yml", """
                title: renamed
                id: renamed
                name: renamed
                detection:
                  s: {event.action: user-renamed}
                  condition: s
                level: high
                """, problems);
        problems.throwIfAny();
        return new dev.rmmaudit.forwarder.rule.Detector(new dev.rmmaudit.forwarder.rule.RuleEngine(rules,
                java.time.Clock.systemUTC(), 100), new dev.rmmaudit.forwarder.rule.DerivedFields(
                dev.rmmaudit.forwarder.config.RulesConfig.WorkingHours.DEFAULT, null));
    }

    @Test
    void handle_withRules_eachAlertFollowsItsEvent_inOrder_andTheBatchCompletesWhenDelivered() throws Exception {
        Gated sink = new Gated();
        Pipeline p = pipeline(sink, dev.rmmaudit.forwarder.config.BufferConfig.DEFAULT_MAX_EVENTS, renameDetector());
        List<java.util.concurrent.CompletableFuture<Void>> batches = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
        }
        Thread.sleep(100);
        assertTrue(batches.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone),
                "nothing counts as delivered while the sink holds it");
        sink.gate.countDown();
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            b.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<String> seen = sink.got.stream().map(e -> e.isAlert() ? "alert:" + e.targetUserName()
                : e.action() + ":" + e.targetUserName()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            expected.add("user-renamed:user" + i);
            expected.add("alert:user" + i);
        }
        assertEquals(expected, seen);
        assertEquals(5, p.alerts());
        assertTrue(p.drain(java.time.Duration.ofSeconds(5)));
        assertEquals(10, p.events());
        p.close();
    }

    @Test
    void handle_withRules_sinkStalled_handlerWaitsOnceTheRulesStageIsFull() throws Exception {
        Gated sink = new Gated();
        Pipeline p = pipeline(sink, 2, renameDetector());
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        Thread source = new Thread(() -> {
            try {
                for (int i = 1; i <= 20; i++) {
                    p.handle(List.of(rename(Integer.toString(i), "user" + i, "h")));
                    handled.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        Thread.sleep(500);
        int whileStalled = handled.get();
        assertTrue(whileStalled < 20, "the source waits: the sink's bound and the rules stage's queue are full");
        Thread.sleep(300);
        assertEquals(whileStalled, handled.get(), "and stays waiting while the sink is stalled");
        sink.gate.countDown();
        source.join(5000);
        assertEquals(20, handled.get());
        assertTrue(p.drain(java.time.Duration.ofSeconds(5)));
        assertEquals(40, sink.got.size(), "20 events, 20 alerts");
        p.close();
    }

    /** A sink that never delivers: it waits until its worker is stopped. */
    private static final class Stuck extends TestSink {
        Stuck() {
            super("stuck");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) throws InterruptedException {
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void close_withBatchesInTheRulesStage_failsThem_soTheyStayUncommitted() throws Exception {
        Stuck sink = new Stuck();
        Pipeline p = pipeline(sink, 1, renameDetector());
        List<java.util.concurrent.CompletableFuture<Void>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread source = new Thread(() -> {
            try {
                for (int i = 1; i <= 6; i++) {
                    batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        source.start();
        Thread.sleep(300);
        p.close();
        source.interrupt();
        source.join(5000);
        assertFalse(batches.isEmpty());
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> b.get(5, java.util.concurrent.TimeUnit.SECONDS), "undelivered: not to be committed");
        }
    }
    /** Rules of a test's own: {@code detect} decides per event; the alert names the event's target user. */
    private static Pipeline.Rules rules(java.util.function.Function<SecurityEvent, List<SecurityEvent>> detect) {
        return new Pipeline.Rules() {
            @Override
            public List<SecurityEvent> detect(SecurityEvent e) {
                return detect.apply(e);
            }

            @Override
            public void flush() {
            }
        };
    }

    private static SecurityEvent alertFor(SecurityEvent e) {
        return SecurityEvent.builder().id("alert-" + e.id()).time(e.time()).module("automate").action("a")
                .targetUserName(e.targetUserName()).alert("r", "R", List.of(e.id())).build();
    }

    @Test
    void handle_ruleThrowsOnOneEvent_thatEventIsForwardedWithoutAlerts_andCounted() throws Exception {
        Recording sink = new Recording();
        Pipeline p = pipeline(sink, 100, rules(e -> {
            if ("user2".equals(e.targetUserName())) {
                throw new IllegalStateException("rule broke");
            }
            return List.of(alertFor(e));
        }));
        p.handle(List.of(rename("1", "user1", "h"), rename("2", "user2", "h"), rename("3", "user3", "h")))
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("user-renamed:user1", "a:user1", "user-renamed:user2", "user-renamed:user3", "a:user3"),
                sink.got.stream().map(e -> e.action() + ":" + e.targetUserName()).toList());
        assertEquals(1, p.ruleFailures());
        assertEquals(2, p.alerts());
        p.close();
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // the failure this guards against is a source waiting forever
    void handle_rulesStageHitsAnError_itsBatchAndEveryLaterOneFail_insteadOfWaitingForever() throws Exception {
        Recording sink = new Recording();
        Pipeline p = pipeline(sink, 100, rules(e -> {
            throw new StackOverflowError("rule recursed");
        }));
        List<java.util.concurrent.CompletableFuture<Void>> batches = new ArrayList<>();
        for (int i = 1; i <= 6; i++) { // more than the stage's queue holds: none of these calls may block
            batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
        }
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> b.get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(failed.getCause().toString().contains("rule recursed"), failed.toString());
        }
        assertTrue(sink.got.isEmpty(), "nothing of a failed batch is sent: it stays uncommitted and is read again");
        p.close();
    }
    @Test
    @org.junit.jupiter.api.Timeout(30) // the failure this guards against is a source waiting forever
    void handle_sinkThreadHitsAnError_itsBatchAndEveryLaterOneFail_insteadOfWaitingForever() throws Exception {
        TestSink broken = new TestSink("broken") {
            @Override
            public void deliver(List<SecurityEvent> batch) {
                throw new AssertionError("sink broke");
            }
        };
        Pipeline p = pipeline(broken, 2, (dev.rmmaudit.forwarder.rule.Detector) null);
        List<java.util.concurrent.CompletableFuture<Void>> batches = new ArrayList<>();
        for (int i = 1; i <= 6; i++) { // more than the bound of two: none of these calls may block
            batches.add(p.handle(List.of(rename(Integer.toString(i), "user" + i, "h"))));
        }
        for (java.util.concurrent.CompletableFuture<Void> b : batches) {
            java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> b.get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(failed.getCause().toString().contains("sink broke"), failed.toString());
        }
        p.close();
    }
}
