package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.InventoryConfig;
import dev.rmmaudit.forwarder.config.LogFileSourceConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.StdoutSinkConfig;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.testing.KeptSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log-file source on a real MariaDB's own error log: wrong passwords tried in the test are refused logins in
 * the log, forwarded as events and counted by the failed-login burst rule, through a rotation (the file renamed,
 * FLUSH ERROR LOGS opening a new one) with nothing lost or repeated.
 */
class LogFileIT {
    @TempDir
    Path dir;

    private static void wrongPassword(LocalServer db, String user) {
        assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + db.port()
                + "/?sslMode=DISABLED&connectTimeout=5000", user, "not-the-password").close());
    }

    @Test
    void errorLogOfARealServer_refusedLoginsThroughARotation_eachOnceAndTheBurstAlert() throws Exception {
        Optional<Path> binary = LocalServer.findServerBinary();
        Assumptions.assumeTrue(binary.isPresent() || System.getenv("CI") != null,
                "skipped: no mariadbd/mysqld on this machine (apt-get install mariadb-server)");
        try (LocalServer db = LocalServer.start(binary.orElseThrow())) {
            Path log = db.errorLog();
            KeptSink sink = new KeptSink();
            ForwarderConfig config = new ForwarderConfig(null, List.of(new StdoutSinkConfig("kept", "cef")), null,
                    dir.resolve("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(5), null,
                    InventoryConfig.OFF, List.of(new LogFileSourceConfig("db", List.of(log.getParent().toString()
                    .replace('\\', '/') + "/server.log*"), "mysql-error", "end", Duration.ofMillis(100),
                    dir.resolve("state"))));
            try (Forwarder f = Forwarder.start(config, List.of(sink))) {
                Thread.sleep(500); // the first round: the log's history is not read (startAt: end)
                for (int i = 0; i < 6; i++) {
                    wrongPassword(db, "mallory");
                }
                sink.await(KeptSink.action("database-login-failed"), 6);
                Files.move(log, log.resolveSibling("server.log.1"));
                wrongPassword(db, "mallory"); // still written to the renamed file
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.rootUser(), db.rootPassword());
                        Statement st = c.createStatement()) {
                    st.execute("FLUSH ERROR LOGS"); // opens a new server.log
                }
                wrongPassword(db, "eve");
                sink.await(KeptSink.action("database-login-failed"), 8);
                Thread.sleep(500);
                List<SecurityEvent> refused = sink.await(KeptSink.action("database-login-failed"), 8);
                assertEquals(8, refused.size(), "each refused login once: " + refused);
                assertEquals(7, refused.stream().filter(e -> "mallory".equals(e.targetUserName())).count());
                assertTrue(refused.stream().allMatch(e -> e.sourceAddress() != null && !e.sourceAddress().isEmpty()));
                assertEquals(8, refused.stream().map(SecurityEvent::id).distinct().count(), "distinct ids");
                assertTrue(Files.exists(log), "the server opened a new log");
                assertTrue(!List.copyOf(sink.events).stream().filter(e -> e.isAlert() && e.action().equals(
                        "failed_login_burst_user")).toList().isEmpty(), "the burst alert");
            }
        }
    }
}
