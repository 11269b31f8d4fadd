package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binlog the forwarder stopped in is purged while it is down (as {@code binlog_expire_logs_seconds} does
 * during a long outage): the next start fails with a message that says what happened and how to recover, the
 * SIEM gets an alert, and {@code run --resnapshot} carries on from the current position with an alert that
 * says so. Needs a server it may restart and purge, so it starts its own local mariadbd/mysqld.
 */
class PurgedBinlogIT {
    @TempDir
    Path dir;

    private static void sql(LocalServer db, String... statements) throws Exception {
        try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static int binlogFiles(LocalServer db) throws Exception {
        try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    private static String currentBinlog(LocalServer db) throws Exception {
        try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    /**
     * Purges every binlog but the current one. MariaDB keeps a file while a transaction in it may still be
     * needed for crash recovery ("in use by an active XID") until InnoDB has checkpointed; retry until then.
     */
    private static void purgeAllButCurrent(LocalServer db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement()) {
                st.execute("PURGE BINARY LOGS TO '" + currentBinlog(db) + "'");
                try (ResultSet w = st.executeQuery("SHOW WARNINGS")) {
                    last = w.next() ? w.getString(3) : "";
                }
            }
            if (binlogFiles(db) == 1) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the old binlog could not be purged: " + last);
    }

    private Process run(Path config, String password, String log, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "--config", config.toString()));
        args.addAll(List.of(extra));
        ProcessBuilder pb = JarProcess.builder(List.of("-Xmx256m"), args.toArray(String[]::new));
        pb.environment().put("FORWARDER_DB_PASSWORD", password);
        return pb.redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    private static List<String> signatures(SyslogReceiver r) {
        return r.messages().stream().map(m -> CefParser.parse(m).header().get(4)).toList();
    }

    @Test
    void binlogPurgedWhileStopped_failsClearlyAlertsAndResnapshotResumes() throws Exception {
        Optional<Path> binary = LocalServer.findServerBinary();
        if (System.getenv("CI") == null) {
            assumeTrue(binary.isPresent(), "skipped: needs a local mariadbd or mysqld it can restart and purge");
        }
        try (LocalServer db = LocalServer.start(binary.orElseThrow());
                SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source: {type: automate, flavor: %s, host: 127.0.0.1, port: %d, user: forwarder,
                             password: "${FORWARDER_DB_PASSWORD}", database: labtech, serverId: 7002, sslMode: disabled}
                    rules: {enabled: false}
                    inventory: {interval: 0}   # this test counts the binlog's events only
                    drainTimeout: 5s
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef}
                    """.formatted(db.flavor(), db.port(), receiver.port()));
            Process first = run(config, password, "first.log");
            JarProcess.awaitLog(dir.resolve("first.log"), "connected to the binlog", first);
            sql(db, "UPDATE users SET Name = 'before-gap' WHERE Name = 'alice'");
            receiver.await(1, Duration.ofSeconds(30));
            first.destroy();
            assertEquals(0, first.waitFor(60, TimeUnit.SECONDS) ? first.exitValue() : -1);

            // While it is down: a change, then the binlog holding it (and the stored position) is purged.
            db.restart(); // no dump thread of the stopped forwarder keeps the old file open
            sql(db, "UPDATE users SET Name = 'lost-in-gap' WHERE Name = 'bob'", "FLUSH BINARY LOGS");
            purgeAllButCurrent(db);

            Process second = run(config, password, "second.log");
            assertTrue(second.waitFor(90, TimeUnit.SECONDS), "the forwarder stops by itself");
            String log = Files.readString(dir.resolve("second.log"));
            assertEquals(1, second.exitValue(), log);
            assertTrue(log.contains("is no longer on the database server"), log);
            assertTrue(log.contains("--resnapshot"), log);
            assertFalse(log.contains(password), "no secret in the log");
            receiver.await(2, Duration.ofSeconds(10));
            assertTrue(signatures(receiver).contains("forwarder-binlog-gap"), receiver.messages().toString());

            Process third = run(config, password, "third.log", "--resnapshot");
            try {
                JarProcess.awaitLog(dir.resolve("third.log"), "connected to the binlog", third);
                sql(db, "UPDATE users SET Name = 'after-resnapshot' WHERE Name = 'carol'");
                receiver.await(4, Duration.ofSeconds(30));
            } finally {
                third.destroy();
                third.waitFor(60, TimeUnit.SECONDS);
            }
            List<String> users = receiver.messages().stream().map(m -> CefParser.parse(m).get("duser"))
                    .filter(u -> u != null && !u.isEmpty()).toList();
            assertTrue(users.contains("after-resnapshot"), users.toString());
            assertTrue(signatures(receiver).contains("forwarder-position-reset"), receiver.messages().toString());
        }
    }
}
