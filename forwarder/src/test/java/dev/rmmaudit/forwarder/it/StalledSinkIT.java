package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SIEM that stops reading while 100,000 changes are written: the packaged forwarder runs with its heap
 * capped at {@value #HEAP} (and exits on OutOfMemoryError), keeps at most its memory bound in hand or spills to
 * its disk buffer, survives the stall, and delivers every change once the SIEM reads again.
 */
class StalledSinkIT {
    static final String HEAP = "96m";
    private static final int CHANGES = 100_000;
    private static final Pattern NAME = Pattern.compile("duser=stall(\\d+)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} buffer")
    @ValueSource(strings = {"memory", "disk"})
    void stalledSink_100kChanges_heapStaysBoundedAndAllAreDelivered(String buffer) throws Exception {
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "stall" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0); Connection c = AutomateSample.connect(db, database)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source: {type: automate, flavor: %s, host: 127.0.0.1, port: %d, user: %s,
                             password: "${FORWARDER_DB_PASSWORD}", database: %s, serverId: %d, sslMode: disabled}
                    rules: {enabled: false}
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef,
                         buffer: {type: %s}}
                    """.formatted(db.flavor(), db.port(), user, database, TestDatabases.uniqueServerId(),
                    receiver.port(), buffer));
            Path log = dir.resolve("run.log");
            ProcessBuilder pb = JarProcess.builder(List.of("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError"), "run",
                    "--config", config.toString());
            pb.environment().put("FORWARDER_DB_PASSWORD", password);
            Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                JarProcess.awaitLog(log, "connected to the binlog", p);
                receiver.pause();
                try (Statement st = c.createStatement()) {
                    for (int from = 0; from < CHANGES; from += 1000) {
                        StringBuilder sql = new StringBuilder("INSERT INTO users (Name, Email) VALUES ");
                        for (int i = from; i < from + 1000; i++) {
                            sql.append(i == from ? "" : ",").append("('stall").append(i).append("', 'stall")
                                    .append(i).append("@example.com')");
                        }
                        st.execute(sql.toString());
                    }
                }
                // Let the forwarder read as far as it will while nothing is delivered.
                Thread.sleep(15_000);
                assertTrue(p.isAlive(), "the forwarder survives the stall within -Xmx" + HEAP + ":\n"
                        + Files.readString(log));
                receiver.resume();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                Set<Integer> seen = new HashSet<>();
                while (System.nanoTime() < deadline && seen.size() < CHANGES) {
                    seen = delivered(receiver);
                    Thread.sleep(500);
                }
                assertEquals(CHANGES, seen.size(), "distinct changes delivered");
                assertTrue(p.isAlive(), Files.readString(log));
            } finally {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            System.err.println("[StalledSinkIT] " + buffer + " buffer: " + CHANGES + " changes delivered after the"
                    + " stall with -Xmx" + HEAP + "; " + receiver.messages().size() + " messages");
        }
    }

    private static Set<Integer> delivered(SyslogReceiver r) {
        Set<Integer> out = new HashSet<>();
        for (String m : List.copyOf(r.messages())) {
            Matcher x = NAME.matcher(m);
            if (x.find()) {
                out.add(Integer.parseInt(x.group(1)));
            }
        }
        return out;
    }
}
