package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.demo.ScreenConnectSample;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Automate-and-ScreenConnect day, compressed, against the packaged forwarder as a service runs it (its own
 * process, the packaged JVM options) and the bare Debezium engine on the same binlog ({@link BareEngine}), both
 * measured from outside through {@code /proc}: idle, then a day of logins every few seconds, user edits, a script
 * pushed to 5,000 computers, ScreenConnect sessions and a brute-force burst, then a day of changes (1,000,000)
 * written while the SIEM is down and delivered from the disk buffer once it is back. Prints a Markdown table.
 *
 * <p>Arguments: [idle seconds] [day seconds] [catch-up changes]; defaults 120 180 1000000; 0 leaves a phase out
 * (after the idle phase, the forwarder's ten busiest threads in it are listed). Without the catch-up the
 * forwarder runs with the default buffer and no metrics listener, as a default configuration does. JVM options of the
 * forwarder: {@code FORWARDER_JVM} (default: {@link #PACKAGED_JVM}, as packaging/ runs it).
 */
public final class RunDay {
    /** The JVM options the service definitions in packaging/ run the forwarder with. */
    static final String PACKAGED_JVM = "-Xms16m -Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=128m "
            + "-XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 "
            + "-XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";
    private static final long TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU in hundredths of a second

    private RunDay() {
    }

    public static void main(String[] args) throws Exception {
        int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int daySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 180;
        int catchUp = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        String jvm = System.getenv().getOrDefault("FORWARDER_JVM", PACKAGED_JVM);
        Path work = Files.createTempDirectory("run-day");
        Path binary = LocalServer.findServerBinary().orElseThrow(() -> new IllegalStateException(
                "needs a local mariadbd or mysqld (Debian: apt-get install mariadb-server)"));
        List<String[]> rows = new ArrayList<>();
        List<String[]> busiest = new ArrayList<>();
        try (LocalServer db = LocalServer.start(binary); Receiver siem = new Receiver()) {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            Path appData = work.resolve("App_Data");
            ScreenConnectSample.create(appData).close();
            Path config = work.resolve("forwarder.yml");
            // The catch-up needs a disk buffer (the SIEM is down for a million changes) and /metrics (to count what
            // was read); without it the forwarder runs as configured by default: memory buffer, no listener.
            String catchUpParts = catchUp == 0 ? "" : """
                    metrics: {listen: 127.0.0.1:%d}
                    """.formatted(freePort());
            Files.writeString(config, """
                    sources:
                      - {type: automate, flavor: %s, host: %s, port: %d, user: forwarder,
                         password: "${FORWARDER_DB_PASSWORD}", database: labtech, serverId: 7101,
                         sslMode: disabled, stateDir: %s}
                      - {type: screenconnect, appData: %s, stateDir: %s}
                    %ssinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef%s}
                    """.formatted(db.flavor(), db.host(), db.port(), work.resolve("state"), appData,
                    work.resolve("sc-state"), catchUpParts, siem.port(),
                    catchUp == 0 ? "" : ",\n     buffer: {type: disk, maxBytes: 4gb}"));
            Process fwd = child(work.resolve("forwarder.log"), Map.of("FORWARDER_DB_PASSWORD", password),
                    java(jvm), "-jar", Path.of("forwarder", "target", "forwarder.jar").toString(), "run",
                    "--config", config.toString());
            Process bare = child(null, Map.of(), java("-Xmx256m"), "-cp", released() + Path.of("bench", "target",
                    "benchmarks.jar"), BareEngine.class.getName(), db.flavor(), db.host(),
                    Integer.toString(db.port()), "forwarder", password, "labtech", "7102",
                    work.resolve("bare-state").toString());
            AtomicLong bareCount = new AtomicLong();
            follow(bare, bareCount);
            awaitLog(work.resolve("forwarder.log"), "connected to the binlog", fwd);
            Thread.sleep(5_000); // both settled

            Run run = new Run(db, siem, fwd, bare, bareCount, work, appData);
            List<Usage[]> phases = new ArrayList<>();
            phases.add(idle(run, idleSeconds, rows, busiest));
            if (daySeconds > 0) {
                phases.add(day(run, daySeconds, rows));
            }
            if (catchUp > 0) {
                phases.add(catchUp(run, catchUp, rows));
            }
            rows.add(row("whole run: resident memory, MB (peak)", mb(phases.stream().mapToLong(u -> u[0].peakRss).max()
                    .orElse(0)), mb(phases.stream().mapToLong(u -> u[1].peakRss).max().orElse(0))));
            stop(fwd);
            stop(bare);
        } finally {
            LocalServer.deleteTree(work);
        }
        System.out.printf("%n| measure | forwarder (%s) | bare engine (Debezium as released) |%n| --- | ---: | ---: |%n",
                jvm.equals(PACKAGED_JVM) ? "packaged JVM options" : jvm);
        rows.forEach(r -> System.out.printf("| %s | %s | %s |%n", r[0], r[1], r[2]));
        System.out.printf("%n| idle: the forwarder's busiest threads | %% of one core |%n| --- | ---: |%n");
        busiest.forEach(r -> System.out.printf("| %s | %s |%n", r[0], r[1]));
        System.exit(0);
    }

    /** What every phase works on: the database, the SIEM, the two processes measured and the bare engine's count. */
    private record Run(LocalServer db, Receiver siem, Process fwd, Process bare, AtomicLong bareCount, Path work,
            Path appData) {
    }

    /** Nothing happens: CPU and memory of both, and the forwarder's threads that used CPU. */
    private static Usage[] idle(Run run, int idleSeconds, List<String[]> rows, List<String[]> busiest)
            throws Exception {
        System.err.printf("idle for %d s...%n", idleSeconds);
        Usage idleF = new Usage(run.fwd().pid());
        Usage idleB = new Usage(run.bare().pid());
        Map<Long, ThreadCpu> threadsBefore = threadCpu(run.fwd().pid());
        sample(idleSeconds, idleF, idleB);
        busiest.addAll(busiestThreads(threadsBefore, threadCpu(run.fwd().pid()), idleF.lastNanos - idleF.startNanos));
        rows.add(row("idle: CPU, % of one core (average)", pct(idleF.avgCpu()), pct(idleB.avgCpu())));
        rows.add(row("idle: resident memory, MB", mb(idleF.lastRss), mb(idleB.lastRss)));
        return new Usage[] {idleF, idleB};
    }

    /** The compressed day: CPU, memory and commit-to-SIEM latency. */
    private static Usage[] day(Run run, int daySeconds, List<String[]> rows) throws Exception {
        System.err.printf("a day in %d s...%n", daySeconds);
        Usage dayF = new Usage(run.fwd().pid());
        Usage dayB = new Usage(run.bare().pid());
        Map<String, Long> committed = new ConcurrentHashMap<>();
        Thread day = new Thread(() -> playDay(run.db(), run.appData(), daySeconds, committed), "day");
        day.start();
        sample(daySeconds, dayF, dayB);
        day.join();
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until && run.siem().arrivals.size() < committed.size()) {
            Thread.sleep(100);
        }
        List<Double> latencies = new ArrayList<>();
        committed.forEach((mark, at) -> {
            Long got = run.siem().arrivals.get(mark);
            if (got != null) {
                latencies.add((got - at) / 1e6);
            }
        });
        Collections.sort(latencies);
        rows.add(row("day: CPU, % of one core (average / peak second)", pct(dayF.avgCpu()) + " / "
                + pct(dayF.peakCpu), pct(dayB.avgCpu()) + " / " + pct(dayB.peakCpu)));
        rows.add(row("day: resident memory, MB (peak)", mb(dayF.peakRss), mb(dayB.peakRss)));
        rows.add(row("day: commit to SIEM, ms (p50 / p99 of " + latencies.size() + " of " + committed.size()
                + " edits)", latencies.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f / %.0f",
                latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.99))), "-"));
        return new Usage[] {dayF, dayB};
    }

    /** A day of changes while the SIEM is down, then their delivery from the disk buffer. */
    private static Usage[] catchUp(Run run, int catchUp, List<String[]> rows) throws Exception {
        System.err.printf("the SIEM goes down; %,d changes...%n", catchUp);
        run.siem().stop();
        Usage cuF = new Usage(run.fwd().pid());
        Usage cuB = new Usage(run.bare().pid());
        long bareBefore = run.bareCount().get();
        long readBefore = rowsRead(run.work().resolve("forwarder.log"));
        long writeStart = System.nanoTime();
        AtomicLong writesDone = new AtomicLong();
        Thread writer = new Thread(() -> {
            writeChanges(run.db(), catchUp);
            writesDone.set(System.nanoTime());
        }, "catch-up writer");
        writer.start();
        long bareDone = 0;
        long fwdDone = 0;
        while (bareDone == 0 || fwdDone == 0) {
            cuF.tick();
            cuB.tick();
            if (bareDone == 0 && run.bareCount().get() - bareBefore >= catchUp) {
                bareDone = System.nanoTime();
            }
            if (fwdDone == 0 && rowsRead(run.work().resolve("forwarder.log")) - readBefore >= catchUp) {
                fwdDone = System.nanoTime();
            }
            if (System.nanoTime() - writeStart > 1_800_000_000_000L) {
                throw new IllegalStateException("the catch-up did not finish in 30 minutes");
            }
            Thread.sleep(1000);
        }
        writer.join();
        long writeEnd = writesDone.get();
        System.err.println("the SIEM is back...");
        long before = run.siem().count.get();
        run.siem().start();
        long back = System.nanoTime();
        long first = 0;
        while (run.siem().count.get() - before < catchUp) {
            cuF.tick();
            Thread.sleep(200);
            if (first == 0 && run.siem().count.get() > before) {
                first = System.nanoTime();
            }
            if (System.nanoTime() - back > 1_800_000_000_000L) {
                throw new IllegalStateException("the buffer was not delivered in 30 minutes");
            }
        }
        long delivered = System.nanoTime();
        rows.add(row(String.format(Locale.ROOT, "catch-up: the writer's %,d changes took, s", catchUp),
                secs(writeEnd - writeStart), ""));
        rows.add(row(String.format(Locale.ROOT, "catch-up: %,d changes read, s from the first write", catchUp),
                secs(fwdDone - writeStart), secs(bareDone - writeStart)));
        rows.add(row("catch-up: the buffer delivered once the SIEM is back, s (the first event after)",
                secs(delivered - back) + " (" + secs(first - back) + ")", "-"));
        rows.add(row("catch-up: delivery from the disk buffer, events/s", String.format(Locale.ROOT, "%,.0f",
                catchUp / ((delivered - first) / 1e9)), "-"));
        rows.add(row("catch-up: CPU, % of one core (average / peak second)", pct(cuF.avgCpu()) + " / "
                + pct(cuF.peakCpu), pct(cuB.avgCpu()) + " / " + pct(cuB.peakCpu)));
        return new Usage[] {cuF, cuB};
    }

    /** The day: an edit every 2 s (marked, for latency), a login every 3 s, a ScreenConnect login every 4 s and a
     * session every 30 s, a script pushed to 5,000 computers at a third, a brute-force burst at two thirds. */
    private static void playDay(LocalServer db, Path appData, int seconds, Map<String, Long> committed) {
        try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement();
                ScreenConnectSample sc = ScreenConnectSample.open(appData)) {
            long start = System.nanoTime();
            boolean pushed = false;
            boolean burst = false;
            for (int t = 0; t < seconds; t++) {
                long second = start + t * 1_000_000_000L;
                if (t % 2 == 0) {
                    String mark = "day" + t;
                    st.executeUpdate("UPDATE users SET Email = '" + mark + "@day.example' WHERE UserID = " + (1 + t
                            % 6));
                    committed.put(mark, System.nanoTime());
                }
                if (t % 3 == 0) {
                    st.executeUpdate("UPDATE users SET Last_Date = NOW() WHERE UserID = " + (1 + t % 5));
                }
                if (t % 4 == 0) {
                    sc.security(Instant.now(), ScreenConnectSample.LOGIN, ScreenConnectSample.SUCCESS, "tech" + t % 7,
                            "10.0.0." + (t % 200));
                }
                if (t % 30 == 0) {
                    byte[] session = sc.session(Instant.now(), "Support " + t, "tech1", "guest" + t);
                    sc.connect(Instant.now(), session, "tech1", "10.0.0.9");
                }
                if (!pushed && t >= seconds / 3) {
                    pushed = true;
                    c.setAutoCommit(false);
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO h_scripts (ScriptID, ComputerID,"
                            + " ScriptStatus, HistoryDate, StartedDate, RunByUser) VALUES (4711, ?, 1, NOW(), NOW(),"
                            + " 'alice')")) {
                        for (int i = 1; i <= 5_000; i++) {
                            ins.setInt(1, i);
                            ins.addBatch();
                            if (i % 500 == 0) {
                                ins.executeBatch();
                                c.commit();
                            }
                        }
                    }
                    c.setAutoCommit(true);
                }
                if (!burst && t >= 2 * seconds / 3) {
                    burst = true;
                    for (int i = 0; i < 30; i++) {
                        sc.security(Instant.now(), ScreenConnectSample.LOGIN, ScreenConnectSample.PASSWORD_INVALID,
                                "admin", "203.0.113.66");
                    }
                    for (int i = 0; i < 20; i++) {
                        st.executeUpdate("INSERT INTO loginfailures (UserName, IPAddress, Reason) VALUES ('admin',"
                                + " '203.0.113.66', 'bad password')");
                    }
                }
                long sleep = second + 1_000_000_000L - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the day's writes failed", e);
        }
    }

    private static void writeChanges(LocalServer db, int n) {
        try {
            EndToEnd.writeBacklog(db, n, "cu");
        } catch (Exception e) {
            throw new IllegalStateException("the catch-up writes failed", e);
        }
    }

    /** Rows the forwarder has read, from its /metrics (the port it logged). */
    private static long rowsRead(Path log) throws Exception {
        String text = Files.readString(log);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/metrics and /health on http://([0-9.]+):(\\d+)")
                .matcher(text);
        if (!m.find()) {
            return 0;
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + m.group(1) + ":" + m.group(2) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("rmm_audit_events_in_total\\{source=\"automate\"\\}"
                + " ([0-9.E]+)").matcher(r.body());
        return v.find() ? (long) Double.parseDouble(v.group(1)) : 0;
    }

    /** CPU and resident memory of one process, read from /proc between ticks. */
    private static final class Usage {
        final long pid;
        final long startTicks;
        final long startNanos;
        long lastTicks;
        long lastNanos;
        double peakCpu;
        long lastRss;
        long peakRss;

        Usage(long pid) throws IOException {
            this.pid = pid;
            this.startTicks = ticks();
            this.startNanos = System.nanoTime();
            this.lastTicks = startTicks;
            this.lastNanos = startNanos;
            this.lastRss = rss();
            this.peakRss = lastRss;
        }

        void tick() throws IOException {
            long t = ticks();
            long now = System.nanoTime();
            double cpu = (t - lastTicks) / (double) TICKS / ((now - lastNanos) / 1e9);
            peakCpu = Math.max(peakCpu, cpu);
            lastTicks = t;
            lastNanos = now;
            lastRss = rss();
            peakRss = Math.max(peakRss, lastRss);
        }

        double avgCpu() {
            return (lastTicks - startTicks) / (double) TICKS / ((lastNanos - startNanos) / 1e9);
        }

        private long ticks() throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        }

        private long rss() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return 0;
        }
    }

    /** One thread's name (as the JVM gave it to the kernel, at most 15 characters) and its CPU time so far, ns. */
    private record ThreadCpu(String name, long nanos) {
    }

    /** The CPU time of each thread of a process, by thread id, from /proc/<pid>/task (schedstat: exact, in ns). */
    private static Map<Long, ThreadCpu> threadCpu(long pid) throws IOException {
        Map<Long, ThreadCpu> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                    out.put(Long.parseLong(task.getFileName().toString()), new ThreadCpu(name, nanos));
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return out;
    }

    /** The ten threads that used the most CPU between two snapshots (same names summed), as % of one core. */
    private static List<String[]> busiestThreads(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after,
            long nanos) {
        Map<String, Long> byName = new HashMap<>();
        after.forEach((tid, t) -> {
            ThreadCpu was = before.get(tid);
            byName.merge(t.name(), t.nanos() - (was == null ? 0 : was.nanos()), Long::sum);
        });
        return byName.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(e -> new String[] {e.getKey(), String.format(Locale.ROOT, "%.3f %%",
                        100.0 * e.getValue() / nanos)}).toList();
    }

    private static void sample(int seconds, Usage... usages) throws Exception {
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            for (Usage u : usages) {
                u.tick();
            }
        }
    }

    /** A syslog receiver (octet counting) that can go away and come back on the same port. */
    private static final class Receiver implements AutoCloseable {
        final AtomicLong count = new AtomicLong();
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final int port;
        private volatile ServerSocket server;
        private final List<Socket> clients = Collections.synchronizedList(new ArrayList<>());

        Receiver() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            port = server.getLocalPort();
            accept(server);
        }

        int port() {
            return port;
        }

        void stop() throws IOException {
            server.close();
            synchronized (clients) {
                for (Socket s : clients) {
                    s.close();
                }
                clients.clear();
            }
        }

        void start() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = s;
            accept(s);
        }

        private void accept(ServerSocket s) {
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket c = s.accept();
                        clients.add(c);
                        Thread r = new Thread(() -> read(c), "siem-conn");
                        r.setDaemon(true);
                        r.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "siem");
            t.setDaemon(true);
            t.start();
        }

        private void read(Socket s) {
            // the new address (the change's "to"; its "from" is the edit before)
            java.util.regex.Pattern mark = java.util.regex.Pattern.compile("\"to\":\"(day\\d+)@day");
            try (InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16)) {
                byte[] frame;
                while ((frame = Receivers.frame(in)) != null) {
                    String msg = new String(frame, StandardCharsets.UTF_8);
                    count.incrementAndGet();
                    if (msg.contains("user-email-changed")) {
                        java.util.regex.Matcher m = mark.matcher(msg);
                        if (m.find()) {
                            arrivals.putIfAbsent(m.group(1), System.nanoTime());
                        }
                    }
                }
            } catch (IOException e) {
                // the forwarder reconnects
            }
        }

        @Override
        public void close() throws IOException {
            stop();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Debezium's connector-common jar from the local Maven repository, first on the bare engine's class path so
     * that it runs Debezium's classes as released, not the two the forwarder carries in their place
     * (EventFormatter, ChangeEventQueue; docs/decisions.md); empty, with a warning, if it is not there.
     */
    private static String released() {
        String version = io.debezium.connector.mysql.Module.version();
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "debezium",
                "debezium-connector-common", version, "debezium-connector-common-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            System.err.println("warning: " + jar + " not found: the bare engine runs the forwarder's replacements"
                    + " of Debezium's EventFormatter and ChangeEventQueue");
            return "";
        }
        return jar + java.io.File.pathSeparator;
    }

    private static String java(String options) {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString() + " " + options;
    }

    private static Process child(Path log, Map<String, String> env, String javaAndOptions, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaAndOptions.split(" +")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        if (log != null) {
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        } else {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return pb.start();
    }

    private static void follow(Process bare, AtomicLong count) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bare.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("COUNT ")) {
                        count.set(Long.parseLong(line.substring(6)));
                    }
                }
            } catch (IOException e) {
                // it stopped
            }
        }, "bare-engine");
        t.setDaemon(true);
        t.start();
    }

    private static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the forwarder exited:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no '" + text + "' in " + log);
    }

    private static void stop(Process p) throws Exception {
        p.getOutputStream().close();
        p.destroy();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static String[] row(String measure, String forwarder, String bare) {
        return new String[] {measure, forwarder, bare};
    }

    private static String pct(double cores) {
        return String.format(Locale.ROOT, "%.2f %%", cores * 100);
    }

    private static String mb(long bytes) {
        return Long.toString(bytes / 1_000_000);
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
