package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.HttpSettings;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.source.automate.DebeziumProperties;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The end-to-end benchmark: one command, tables. On a throwaway MariaDB it writes a backlog of row changes, then
 * reads that same binlog from its start again and again: untimed rounds of every path first, until the JIT
 * compiler is done with them (see {@link #jitShare}), then rounds of the
 * bare Debezium engine with a consumer that does nothing (the ceiling), the whole forwarder delivering to a TCP
 * syslog receiver and a Splunk HEC-compatible receiver with acknowledgements, and its stages apart (each round
 * starting at the next of them, every drain from a collected heap). Each ratio is taken within a round and the
 * median over rounds is reported with its range. It also measures commit-to-delivery
 * latency at a steady write rate, peak heap and the time to the first event, and (on Linux) shows where the CPU
 * went per change, by thread group.
 *
 * <p>Run: {@code bench/run-e2e [changes] [rate/s] [seconds] [rounds]} (defaults 50000, 1000, 10, 3).
 */
public final class EndToEnd {
    private EndToEnd() {
    }

    /** The contestants measured against the bare engine in every round, in the order they are printed. */
    private static final List<String> CONTESTANTS = List.of("→ syslog + HEC", "→ a sink that only counts, rules off",
            "→ a sink that only counts, built-in rules on", "→ syslog only", "→ HEC only");

    /** Untimed rounds of every path before the timed ones: at least, and at most (see {@link #jitShare}). */
    private static final int MIN_WARM_UP_ROUNDS = 2;
    private static final int MAX_WARM_UP_ROUNDS = 6;
    /** The warm-up ends once the compiler threads took at most this share of a round's forwarder drains' CPU. */
    private static final double JIT_SETTLED = 0.05;

    public static void main(String[] args) throws Exception {
        // The JDK's HttpServer (our stand-in receivers) writes response headers and body apart without
        // TCP_NODELAY, so every request waited ~40 ms for a delayed ACK: a receiver artefact real SIEMs lack.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path binary = LocalServer.findServerBinary().orElseThrow(() -> new IllegalStateException(
                "needs a local mariadbd or mysqld (Debian: apt-get install mariadb-server)"));
        try (LocalServer db = LocalServer.start(binary)) {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            System.err.printf("writing a backlog of %,d row changes...%n", n);
            writeBacklog(db, n);
            // Every contestant runs untimed first: whoever ran first in a cold JVM would lose to the JIT, and
            // the forwarder's paths (rules, CEF, HEC) need more than one pass to be compiled. Draining HEC alone
            // again and again, the compiler threads took 13 us per change in the fourth drain and 1-3 from the
            // eighth (JFR: on two cores one C2 thread works through start-up code every drain runs again, the
            // mappings' YAML, Debezium's DDL parser, and the hot paths wait behind it), which a forwarder running
            // for days pays once. So rounds of them go on until the compiler is done (jitShare), not a fixed count:
            // two fixed rounds still left it 1.4-2.9 us per change in the timed drains.
            long serverId = 9010;
            int warmUps = 0;
            double jit;
            do {
                warmUps++;
                System.err.printf("warming up (round %d): untimed drains of the bare engine and of the forwarder's "
                        + "paths...%n", warmUps);
                raw(db, password, n);
                List<Drain> round = new ArrayList<>();
                for (int k = 1; k <= CONTESTANTS.size(); k++) { // the stages first, both sinks last
                    round.add(contestant(k % CONTESTANTS.size(), db, password, n, rate, serverId++));
                }
                jit = jitShare(round);
                if (!Double.isNaN(jit)) {
                    System.err.printf("  the JIT compiler took %.1f %% of the forwarder drains' CPU%n", 100 * jit);
                }
            } while (warmUps < MAX_WARM_UP_ROUNDS
                    && (warmUps < MIN_WARM_UP_ROUNDS || !Double.isNaN(jit) && jit > JIT_SETTLED));
            // Rounds: each contestant's rate is divided by the bare engine's ceiling for the same round (the better
            // of the bare passes just before and just after it), so that a slow spell of this shared machine moves
            // both sides of a ratio; the median ratio over rounds is reported with its range, which shows how far
            // the machine's noise reaches.
            List<Drain> bare = new ArrayList<>();
            Map<String, List<Drain>> drains = new java.util.LinkedHashMap<>();
            CONTESTANTS.forEach(c -> drains.put(c, new ArrayList<>()));
            long rawHeap = 0;
            long fwdHeap = 0;
            for (int round = 1; round <= rounds; round++) {
                System.err.printf("round %d of %d: the forwarder, its stages, one sink at a time, the bare engine...%n",
                        round, rounds);
                if (round == 1) {
                    resetPeaks();
                    bare.add(raw(db, password, n));
                    rawHeap = Math.max(rawHeap, peakHeap());
                }
                // Each round starts at the next contestant: the first drain after the bare engine most likely meets
                // the code it shares with it (Debezium's, the JDK's) compiled for the bare consumer, and recompiles.
                // With a fixed order the forwarder with both sinks always ran first (two runs: its JIT row 5.8 and
                // 3.5 us per change, the other forwarder drains 0.3-1.7).
                for (int k = 0; k < CONTESTANTS.size(); k++) {
                    int c = (k + round - 1) % CONTESTANTS.size();
                    resetPeaks(); // every drain starts from a collected heap
                    drains.get(CONTESTANTS.get(c)).add(contestant(c, db, password, n, rate, serverId++));
                    if (c == 0) {
                        fwdHeap = Math.max(fwdHeap, peakHeap());
                    }
                }
                resetPeaks();
                bare.add(raw(db, password, n));
                rawHeap = Math.max(rawHeap, peakHeap());
            }
            List<Drain> raws = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                raws.add(bare.get(i).rate() >= bare.get(i + 1).rate() ? bare.get(i) : bare.get(i + 1));
            }
            System.err.printf("latency: the forwarder drains the backlog, then steady writes at %d/s for %d s...%n",
                    rate, seconds);
            Result latency = forwarder(db, password, n, rate, seconds, serverId++);
            System.out.println();
            System.out.printf("| measure (median of %d rounds) | bare Debezium engine | forwarder | ratio | ratio, "
                    + "lowest-highest round |%n", rounds);
            System.out.printf("| --- | ---: | ---: | ---: | ---: |%n");
            double rawRate = median(raws.stream().map(Drain::rate).toList());
            System.out.printf("| events/s draining %,d changes, bare engine alone (each of %d passes) | %s | | | |%n", n,
                    bare.size(), String.join(", ", bare.stream().map(d -> String.format("%,.0f", d.rate())).toList()));
            drains.forEach((name, ds) -> {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < ds.size(); i++) {
                    ratios.add(ds.get(i).rate() / raws.get(i).rate());
                }
                System.out.printf("| events/s draining %,d changes, %s | %,.0f | %,.0f | %.2f | %.2f-%.2f |%n", n,
                        name, rawRate, median(ds.stream().map(Drain::rate).toList()), median(ratios),
                        Collections.min(ratios), Collections.max(ratios));
            });
            System.out.printf("| start → first event | %,.0f ms | %,.0f ms | | |%n",
                    median(raws.stream().map(Drain::firstMillis).toList()),
                    median(drains.get(CONTESTANTS.get(0)).stream().map(Drain::firstMillis).toList()));
            System.out.printf("| latency p50 / p99 at %,.0f changes/s (%d s), → syslog + HEC | | %.0f ms / %.0f ms "
                    + "| | |%n", latency.achievedRate(), seconds, latency.p50(), latency.p99());
            System.out.printf("| peak heap (highest round), → syslog + HEC | %,d MB | %,d MB | | |%n", rawHeap >> 20,
                    fwdHeap >> 20);
            List<Drain> columns = new ArrayList<>();
            columns.add(medianCpu(raws));
            for (int i : new int[] {1, 2, 3, 4, 0}) {
                columns.add(medianCpu(drains.get(CONTESTANTS.get(i))));
            }
            printCpu(columns);
            System.out.printf("%nJVM: %s %s, max heap %,d MB, %d CPUs%n", System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("Warm-up: %d untimed rounds of every path%s%n", warmUps, Double.isNaN(jit) ? ""
                    : String.format(", the JIT compiler at %.1f %% of the last one's CPU", 100 * jit));
        }
        System.exit(0); // the database is stopped; the engines' executor threads would keep the JVM alive
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    /**
     * The share of the drains' CPU that the JIT compiler threads took (all of them together: one drain's share,
     * counted in 10 ms ticks, jumps too much to judge by), or NaN where threads' CPU cannot be read. The warm-up
     * goes on while it is high: a drain measured while C2 still compiles the hot paths measures the compiler's
     * competition for the two cores, not the forwarder a server runs for days.
     */
    static double jitShare(List<Drain> drains) {
        double jit = 0;
        double total = 0;
        for (Drain d : drains) {
            Double j = d.cpu().get(ThreadCpu.GROUPS.get(5));
            Double t = d.cpu().get("total");
            if (j != null && t != null && t > 0) { // else no CPU figures (not Linux, or the window did not close)
                jit += j;
                total += t;
            }
        }
        return total > 0 ? jit / total : Double.NaN;
    }

    /** One contestant's drains as one: the median rate, and each thread group's median CPU per change. */
    private static Drain medianCpu(List<Drain> ds) {
        Map<String, Double> cpu = new java.util.LinkedHashMap<>();
        if (ds.stream().noneMatch(d -> d.cpu().isEmpty())) {
            for (String g : ds.get(0).cpu().keySet()) {
                cpu.put(g, median(ds.stream().map(d -> d.cpu().get(g)).toList()));
            }
        }
        return new Drain(median(ds.stream().map(Drain::rate).toList()), 0, cpu);
    }

    /** One drain of contestant {@code c} (its index in {@link #CONTESTANTS}). */
    private static Drain contestant(int c, LocalServer db, String password, int n, int rate, long serverId)
            throws Exception {
        return switch (c) {
            case 0 -> forwarder(db, password, n, rate, 0, serverId).drain();
            case 1 -> counted(db, password, n, false, serverId);
            case 2 -> counted(db, password, n, true, serverId);
            case 3 -> oneSink(db, password, n, "syslog", serverId);
            case 4 -> oneSink(db, password, n, "hec", serverId);
            default -> throw new IllegalArgumentException("no contestant " + c);
        };
    }

    private static void writeBacklog(LocalServer db, int n) throws Exception {
        writeBacklog(db, n, "b");
    }

    /** {@code n} e-mail changes ({@code <prefix><i>@bench}), 500 per transaction, over the sample's six users. */
    static void writeBacklog(LocalServer db, int n, String prefix) throws Exception {
        try (Connection c = AutomateSample.connect(db, "labtech")) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("UPDATE users SET Email = ? WHERE UserID = ?")) {
                for (int i = 1; i <= n; i++) {
                    st.setString(1, prefix + i + "@bench");
                    st.setInt(2, 1 + i % 6);
                    st.addBatch();
                    if (i % 500 == 0) {
                        st.executeBatch();
                        c.commit();
                    }
                }
                st.executeBatch();
                c.commit();
            }
        }
    }

    private static AutomateSourceConfig source(LocalServer db, String password, Path state, long serverId) {
        return new AutomateSourceConfig(db.flavor(), db.host(), db.port(), "forwarder", new Secret(password), "labtech",
                serverId, state, "disabled", "none", Map.of("snapshot.mode", "never"));
    }

    /** One drain of the backlog: events/s over the steady part, ms from start to the first event, CPU per change. */
    record Drain(double rate, double firstMillis, Map<String, Double> cpu) {
    }

    /**
     * Where the CPU went, per change, in the steady part of each drain (medians over rounds), and how busy the
     * cores were (Linux). Columns: bare engine, rules off, rules on, syslog, HEC, syslog + HEC.
     */
    private static void printCpu(List<Drain> drains) {
        List<String> names = List.of("bare engine", "→ counting sink, rules off", "→ counting sink, rules on",
                "→ syslog", "→ HEC", "→ syslog + HEC");
        if (drains.stream().anyMatch(d -> d.cpu().isEmpty())) {
            System.out.printf("%n(no CPU table: per-thread CPU was not measured for %s)%n", drains.stream()
                    .filter(d -> d.cpu().isEmpty()).map(d -> names.get(drains.indexOf(d))).toList());
            return;
        }
        System.out.printf("%n| CPU µs per change (steady part of the drain, median of rounds) | %s |%n| --- |%s%n",
                String.join(" | ", names), " ---: |".repeat(names.size()));
        for (String g : drains.get(0).cpu().keySet()) {
            StringBuilder row = new StringBuilder("| " + g + " |");
            drains.forEach(d -> row.append(String.format(" %.1f |", d.cpu().get(g))));
            System.out.println(row);
        }
        StringBuilder busy = new StringBuilder("| JVM cores busy (CPU per change × events/s) |");
        drains.forEach(d -> busy.append(String.format(" %.2f |", d.cpu().get("total") * d.rate() / 1e6)));
        System.out.println(busy);
    }

    /** Work that needs a state directory of its own (offsets, schema history, dead letters). */
    interface InStateDir<T> {
        T run(Path state) throws Exception;
    }

    /**
     * Runs {@code work} in a new temporary directory and deletes it afterwards: a run drains hundreds of times, and
     * every drain's directory used to be left behind.
     */
    static <T> T inStateDir(String prefix, InStateDir<T> work) throws Exception {
        Path state = Files.createTempDirectory(prefix);
        try {
            return work.run(state);
        } finally {
            try {
                LocalServer.deleteTree(state);
            } catch (java.io.UncheckedIOException e) {
                System.err.println("could not delete " + state + ": " + e); // a leftover, not a failed drain
            }
        }
    }

    /** The ceiling: the same engine and properties, a consumer that only counts. */
    static Drain raw(LocalServer db, String password, int n) throws Exception {
        return inStateDir("bench-raw", state -> raw(db, password, n, state));
    }

    private static Drain raw(LocalServer db, String password, int n, Path state) throws Exception {
        Properties p = DebeziumProperties.of(source(db, password, state, 9001),
                MappingLoader.load(null).forModule("automate"));
        AtomicLong count = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        ThreadCpu.Window cpu = new ThreadCpu.Window(1);
        long start = System.nanoTime();
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(
                Connect.class)).using(p).notifying((records, committer) -> {
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        if (r.record().value() instanceof Struct s && s.schema().field("op") != null
                                && "u".equals(s.getString("op"))) {
                            long now = System.nanoTime();
                            if (first.compareAndSet(0, now)) {
                                cpu.begin();
                            }
                            last.set(now);
                            if (count.incrementAndGet() == n) {
                                cpu.arrived();
                            }
                        }
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                }).build()) {
            ExecutorService ex = Executors.newSingleThreadExecutor();
            ex.execute(engine);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (count.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ex.shutdown();
        }
        double secs = (last.get() - first.get()) / 1e9;
        return new Drain(n / secs, (first.get() - start) / 1e6, cpu.perChange(n));
    }

    private record Result(Drain drain, double achievedRate, double p50, double p99) {
    }

    /** The whole forwarder into both receivers, then (for {@code seconds}) steady writes for latency. */
    private static Result forwarder(LocalServer db, String password, int n, int rate, int seconds, long serverId)
            throws Exception {
        return inStateDir("bench-fwd", state -> forwarder(db, password, n, rate, seconds, serverId, state));
    }

    private static Result forwarder(LocalServer db, String password, int n, int rate, int seconds, long serverId,
            Path state) throws Exception {
        try (Receivers.Syslog syslog = new Receivers.Syslog(); Receivers.Hec hec = new Receivers.Hec()) {
            List<SinkConfig> sinks = List.of(syslogSink(syslog), hecSink(hec, state));
            ForwarderConfig config = new ForwarderConfig(source(db, password, state, serverId), sinks, null,
                    state.resolve("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(20), null);
            ThreadCpu.Window cpu = new ThreadCpu.Window(2);
            syslog.tally.measure(cpu, n);
            hec.tally.measure(cpu, n);
            long start = System.nanoTime();
            try (Forwarder f = Forwarder.start(config)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while ((syslog.tally.count.get() < n || hec.tally.count.get() < n) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                long firstAt = Math.min(syslog.tally.firstNanos.get(), hec.tally.firstNanos.get());
                long lastAt = Math.max(syslog.tally.lastNanos.get(), hec.tally.lastNanos.get());
                double drained = n / ((lastAt - firstAt) / 1e9);
                double firstMillis = (firstAt - start) / 1e6;
                System.err.printf("steady writes at %d/s for %d s...%n", rate, seconds);
                syslog.tally.marking = true;
                hec.tally.marking = true;
                Map<String, Long> commits = new ConcurrentHashMap<>();
                long writeStart = System.nanoTime();
                int written = 0;
                try (Connection c = AutomateSample.connect(db, "labtech");
                        PreparedStatement st = c.prepareStatement("UPDATE users SET Email = ? WHERE UserID = ?")) {
                    long periodNanos = 1_000_000_000L / rate;
                    long next = System.nanoTime();
                    while (System.nanoTime() - writeStart < seconds * 1_000_000_000L) {
                        String mark = "lat" + written;
                        st.setString(1, mark + "@bench");
                        st.setInt(2, 1 + written % 6);
                        st.executeUpdate();
                        commits.put(mark, System.nanoTime());
                        written++;
                        next += periodNanos;
                        long sleep = next - System.nanoTime();
                        if (sleep > 0) {
                            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                        }
                    }
                }
                double achieved = written / ((System.nanoTime() - writeStart) / 1e9);
                long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < waitUntil && (syslog.tally.arrivals.size() < written
                        || hec.tally.arrivals.size() < written)) {
                    Thread.sleep(20);
                }
                List<Double> latencies = new ArrayList<>();
                for (Map.Entry<String, Long> e : commits.entrySet()) {
                    Long a = syslog.tally.arrivals.get(e.getKey());
                    Long b = hec.tally.arrivals.get(e.getKey());
                    if (a != null && b != null) {
                        latencies.add((Math.max(a, b) - e.getValue()) / 1e6);
                    }
                }
                Collections.sort(latencies);
                double p50 = latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2);
                double p99 = latencies.isEmpty() ? Double.NaN : latencies.get((int) (latencies.size() * 0.99));
                return new Result(new Drain(drained, firstMillis, cpu.perChange(n)), achieved, p50, p99);
            }
        }
    }

    private static SinkConfig syslogSink(Receivers.Syslog syslog) {
        return new SyslogSinkConfig("syslog", "cef", "tcp", "127.0.0.1", syslog.port(), "octet-counting", "5424",
                10, "rmm-audit", "bench", 65536, Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofSeconds(5), TlsConfig.DEFAULT);
    }

    private static SinkConfig hecSink(Receivers.Hec hec, Path state) {
        return new SplunkHecSinkConfig("hec", "json", hec.url(), new Secret("t"), null, "rmm-audit", "rmm:audit:ecs",
                null, true, Duration.ofMillis(20), Duration.ofMinutes(2), new HttpSettings(
                        Duration.ofSeconds(30), TlsConfig.DEFAULT, 1000, 2_000_000, Duration.ofMillis(50),
                        false, 0, Duration.ofMillis(100), Duration.ofSeconds(5), state.resolve("d.jsonl")));
    }

    /** The whole forwarder (built-in rules on) into one real sink and its receiver; events/s. */
    static Drain oneSink(LocalServer db, String password, int n, String kind, long serverId)
            throws Exception {
        return inStateDir("bench-one", state -> oneSink(db, password, n, kind, serverId, state));
    }

    private static Drain oneSink(LocalServer db, String password, int n, String kind, long serverId, Path state)
            throws Exception {
        try (Receivers.Syslog syslog = new Receivers.Syslog(); Receivers.Hec hec = new Receivers.Hec()) {
            Receivers.Tally tally = kind.equals("syslog") ? syslog.tally : hec.tally;
            SinkConfig sink = kind.equals("syslog") ? syslogSink(syslog) : hecSink(hec, state);
            ThreadCpu.Window cpu = new ThreadCpu.Window(1);
            tally.measure(cpu, n);
            ForwarderConfig config = new ForwarderConfig(source(db, password, state, serverId), List.of(sink), null,
                    state.resolve("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(20), null);
            try (Forwarder f = Forwarder.start(config)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (tally.count.get() < n && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            return new Drain(n / ((tally.lastNanos.get() - tally.firstNanos.get()) / 1e9), 0, cpu.perChange(n));
        }
    }

    /** The forwarder up to its sinks (mapping, and the rules when asked), into a sink that only counts. */
    static Drain counted(LocalServer db, String password, int n, boolean rules, long serverId)
            throws Exception {
        return inStateDir("bench-stage", state -> counted(db, password, n, rules, serverId, state));
    }

    private static Drain counted(LocalServer db, String password, int n, boolean rules, long serverId, Path state)
            throws Exception {
        AtomicLong count = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        ThreadCpu.Window cpu = new ThreadCpu.Window(1);
        dev.rmmaudit.forwarder.sink.Sink counter = new dev.rmmaudit.forwarder.sink.Sink() {
            private final dev.rmmaudit.forwarder.sink.SinkMetrics metrics = new dev.rmmaudit.forwarder.sink.SinkMetrics();

            @Override
            public String name() {
                return "count";
            }

            @Override
            public void deliver(List<dev.rmmaudit.forwarder.event.SecurityEvent> batch) {
                long now = System.nanoTime();
                long events = batch.stream().filter(e -> !e.isAlert()).count();
                if (events > 0) {
                    if (first.compareAndSet(0, now)) {
                        cpu.begin();
                    }
                    last.set(now);
                    long c = count.addAndGet(events);
                    if (c >= n && c - events < n) {
                        cpu.arrived();
                    }
                }
            }

            @Override
            public dev.rmmaudit.forwarder.sink.SinkMetrics metrics() {
                return metrics;
            }

            @Override
            public void close() {
            }
        };
        RulesConfig r = rules ? RulesConfig.DEFAULT : new RulesConfig(false, null, java.util.Set.of(), Map.of(),
                RulesConfig.WorkingHours.DEFAULT, 100);
        ForwarderConfig config = new ForwarderConfig(source(db, password, state, serverId), List.of(), null,
                state.resolve("dead.jsonl"), r, Map.of(), Map.of(), Duration.ofSeconds(20), null);
        try (Forwarder f = Forwarder.start(config, List.of(counter))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (count.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return new Drain(n / ((last.get() - first.get()) / 1e9), 0, cpu.perChange(n));
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
