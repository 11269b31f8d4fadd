package dev.rmmaudit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPU time by thread, read from {@code /proc/self/task} (Linux; elsewhere there is nothing to show): what each
 * part of a drain cost per change. On a machine whose cores are all busy, the ratio of two drains' rates is the
 * inverse ratio of their CPU per change, and this says where the difference goes.
 */
final class ThreadCpu {
    /** Thread groups in the order they are printed. */
    static final List<String> GROUPS = List.of("binlog reader (Debezium)",
            "engine threads (Debezium; the forwarder's mapping runs on its handler thread)",
            "forwarder: rules (a thread of their own)", "forwarder: sinks, acknowledgements, commits",
            "garbage collection", "JIT compiler", "benchmark receivers", "other");
    /**
     * Not a group: the CPU per change of the busiest single thread of the engine and the forwarder other than
     * the binlog reader. With cores to spare, the threads run side by side and this bounds the rate.
     */
    static final String BUSIEST = "busiest engine or forwarder thread besides the reader";
    /**
     * Not a group: the part of the sinks row spent in the kernel (system time of those threads). Sending over
     * loopback, as the benchmark does, also runs much of the receiving side's TCP work on the sender's thread.
     */
    static final String SINKS_KERNEL = "of the sinks row, in the kernel (system time; loopback sends)";
    private static final String THREAD = "thread ";
    private static final String KERNEL = "kernel ";
    private static final double NANOS_PER_TICK = 1e9 / 100; // USER_HZ, 100 on Linux

    private ThreadCpu() {
    }

    /** Cumulative CPU nanoseconds of each live thread, now, by {@code "thread <tid> <name>"}. */
    static Map<String, Double> snapshot() {
        Map<String, Double> out = new LinkedHashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (var dirs = Files.list(tasks)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                try {
                    String name = Files.readString(d.resolve("comm")).trim();
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long system = Long.parseLong(f[12]);
                    double ticks = Long.parseLong(f[11]) + system; // utime, stime
                    out.put(THREAD + d.getFileName() + " " + name, ticks * NANOS_PER_TICK);
                    out.put(KERNEL + d.getFileName() + " " + name, system * NANOS_PER_TICK);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (java.io.IOException e) {
            return out;
        }
        return out;
    }

    /** The thread's name in a snapshot key ({@code "<prefix><tid> <name>"}). */
    private static String threadName(String key, String prefix) {
        return key.substring(key.indexOf(' ', prefix.length()) + 1);
    }

    /** The group of a thread by its name (as /proc shows it: cut to 15 characters). */
    static String group(String name) {
        if (name.startsWith("blc-")) {
            return GROUPS.get(0);
        }
        if (name.startsWith("pool-") || name.startsWith("debezium")) {
            return GROUPS.get(1);
        }
        if (name.equals("rules")) {
            return GROUPS.get(2);
        }
        if (name.startsWith("sink-") || name.startsWith("automate-") || name.startsWith("HttpClient")
                || name.startsWith("AtomicFileOffse")) {
            return GROUPS.get(3);
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return GROUPS.get(4);
        }
        if (name.contains("CompilerThre")) {
            return GROUPS.get(5);
        }
        if (name.startsWith("bench-") || name.startsWith("HTTP-Dispatcher")) {
            return GROUPS.get(6);
        }
        return GROUPS.get(7);
    }

    /**
     * The steady part of a drain: from the first event received to the moment the last of {@code parties}
     * receivers has all of them.
     */
    static final class Window {
        private final int parties;
        private final AtomicInteger done = new AtomicInteger();
        private volatile Map<String, Double> start;
        private volatile Map<String, Double> end;

        Window(int parties) {
            this.parties = parties;
        }

        synchronized void begin() {
            if (start == null) {
                start = snapshot();
            }
        }

        void arrived() {
            if (done.incrementAndGet() == parties) {
                end = snapshot();
            }
        }

        /** Microseconds of CPU per change by group (and "total"), or empty when the window did not close. */
        Map<String, Double> perChange(int changes) {
            Map<String, Double> out = new LinkedHashMap<>();
            // the last receiver counts the events before it reads /proc: give that a moment
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (end == null && start != null && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (start == null || end == null) {
                return out;
            }
            // thread by thread: a thread that ends inside the window (a previous drain's) must not subtract its
            // whole life from its group; one that starts inside it counts from zero
            GROUPS.forEach(g -> out.put(g, 0.0));
            double busiest = 0;
            double sinksKernel = 0;
            for (Map.Entry<String, Double> t : end.entrySet()) {
                String key = t.getKey();
                if (key.startsWith(KERNEL) && group(threadName(key, KERNEL)).equals(GROUPS.get(3))) {
                    sinksKernel += (t.getValue() - start.getOrDefault(key, 0.0)) / 1e3 / changes;
                }
                if (key.startsWith(THREAD)) {
                    String group = group(threadName(key, THREAD));
                    double us = (t.getValue() - start.getOrDefault(key, 0.0)) / 1e3 / changes;
                    out.merge(group, us, Double::sum);
                    if (group.equals(GROUPS.get(1)) || group.equals(GROUPS.get(2)) || group.equals(GROUPS.get(3))) {
                        busiest = Math.max(busiest, us);
                    }
                }
            }
            out.put("total", out.values().stream().mapToDouble(Double::doubleValue).sum());
            out.put(BUSIEST, busiest);
            out.put(SINKS_KERNEL, sinksKernel);
            return out;
        }
    }
}
