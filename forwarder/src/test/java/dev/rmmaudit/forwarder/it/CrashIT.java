package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection: the packaged forwarder is killed with SIGKILL at random moments while a writer keeps
 * changing rows (some of them while it is down), and started again, ten times. In the end the changes
 * delivered are exactly the changes written (none missing), and the duplicates stay within what can be in
 * flight when the process dies. With a disk buffer, the receiver also stops reading in every other round, so
 * the kills find events in the buffer that were acknowledged to the binlog but not yet delivered.
 */
class CrashIT {
    private static final int ROUNDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept when the test fails: the forwarder's logs of every round are in it. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @ParameterizedTest(name = "{0} buffer")
    @ValueSource(strings = {"memory", "disk"})
    void sigkillAtRandomMoments_losesNothing_andDuplicatesStayBounded(String buffer) throws Exception {
        boolean disk = buffer.equals("disk");
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "crash" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        Random random = new Random(20261121L);
        AtomicInteger written = new AtomicInteger();
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0); Connection c = AutomateSample.connect(db, database)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source: {type: automate, flavor: %s, host: 127.0.0.1, port: %d, user: %s,
                             password: "${FORWARDER_DB_PASSWORD}", database: %s, serverId: %d, sslMode: disabled}
                    rules: {enabled: false}
                    drainTimeout: 2s
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef,
                         buffer: {type: %s}}
                    """.formatted(db.flavor(), db.port(), user, database, TestDatabases.uniqueServerId(),
                    receiver.port(), buffer));
            Thread writer = new Thread(() -> {
                try (Statement st = c.createStatement()) {
                    while (!Thread.currentThread().isInterrupted()) {
                        int i = written.incrementAndGet();
                        st.execute("UPDATE users SET Email = 'w" + i + "@crash.example' WHERE UserID = " + (1 + i % 6));
                        Thread.sleep(8);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "writer");
            for (int round = 0; round < ROUNDS; round++) {
                Process p = start(config, password, dir.resolve("run-" + round + ".log"));
                boolean siemAway = disk && round % 2 == 1;
                if (siemAway) {
                    receiver.pause();
                }
                if (round == 0) {
                    // the forwarder starts from "now": write only once it is connected
                    JarProcess.awaitLog(dir.resolve("run-0.log"), "connected to the binlog", p);
                    writer.start();
                }
                Thread.sleep(1500 + random.nextInt(2500));
                p.destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                if (siemAway) {
                    receiver.resume();
                }
                Thread.sleep(random.nextInt(700));
            }
            writer.interrupt();
            writer.join(10_000);
            int total = written.get();
            Process last = start(config, password, dir.resolve("run-last.log"));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < deadline && delivered(receiver).keySet().size() < total) {
                    Thread.sleep(200);
                }
            } finally {
                last.destroy();
                last.waitFor(60, TimeUnit.SECONDS);
            }
            Map<String, Integer> counts = delivered(receiver);
            Set<String> expected = new HashSet<>();
            for (int i = 1; i <= total; i++) {
                expected.add("w" + i + "@crash.example");
            }
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(counts.keySet());
            assertEquals(Set.of(), missing, "changes never delivered (of " + total + " written); logs in " + dir);
            assertEquals(expected, counts.keySet());
            int duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
            System.err.println("[CrashIT] " + buffer + " buffer, " + ROUNDS + " SIGKILLs, " + total + " changes written, " + duplicates
                    + " duplicates delivered");
            // In flight at a kill: what the syslog sink had written and the binlog not yet committed (memory), or
            // what the buffer had read back and not yet acknowledged, at most one read batch (disk). The binlog
            // position is saved after each delivered batch by a thread of its own (a file written and renamed);
            // on a loaded machine it falls behind the sink by up to half a second: about 60 more changes.
            int inFlight = disk ? 2_000 + 128 : 128;
            assertTrue(duplicates <= ROUNDS * inFlight, "duplicates bounded by what is in flight at each kill: "
                    + duplicates);
            // TCP syslog has no acknowledgement: a process killed while it waits to write leaves the receiver the
            // start of a frame as the last bytes of that connection. Its event came whole after the restart.
            List<String> cut = receiver.cutShort();
            assertEquals(cut.size(), receiver.errors().size(), "malformed frames besides cut ones: " + receiver.errors());
            List<String> whole = receiver.all();
            for (String part : cut) {
                String p = unsealed(part);
                assertTrue(whole.stream().anyMatch(m -> m.startsWith(p)), "a cut frame never sent whole: " + part);
            }
            System.err.println("[CrashIT] " + buffer + " buffer, frames cut short by a kill: " + cut.size());
        }
    }

    /** A CEF message, or the start of one, before its seal (the last extensions: a re-sent event is sealed anew). */
    private static String unsealed(String cef) {
        int seal = cef.indexOf(" cn1Label=");
        return seal < 0 ? cef : cef.substring(0, seal);
    }

    /** Delivered e-mail changes and how often each arrived. */
    private static Map<String, Integer> delivered(SyslogReceiver r) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (String m : new ArrayList<>(r.messages())) {
            CefParser.Cef cef = CefParser.parse(m);
            if ("user-email-changed".equals(cef.get("act"))) {
                JsonNode changes = JSON.readTree(cef.get("cs4"));
                out.merge(changes.at("/Email/to").asText(), 1, Integer::sum);
            }
        }
        return out;
    }

    private static Process start(Path config, String password, Path log) throws Exception {
        return JarProcess.run(config, Map.of("FORWARDER_DB_PASSWORD", password), log);
    }
}
