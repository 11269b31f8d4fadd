package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database restarts under a running forwarder: it reconnects and forwards what is written afterwards.
 * Needs a server it may restart, so it starts its own local mariadbd/mysqld (installed by .ci/run).
 */
class DatabaseRestartIT {
    @TempDir
    Path dir;

    private static void sql(LocalServer db, String statement) throws Exception {
        try (Connection c = AutomateSample.connect(db, "labtech"); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void databaseRestart_forwarderReconnectsAndResumes() throws Exception {
        Optional<Path> binary = LocalServer.findServerBinary();
        if (System.getenv("CI") == null) {
            assumeTrue(binary.isPresent(), "skipped: needs a local mariadbd or mysqld it can restart");
        }
        try (LocalServer db = LocalServer.start(binary.orElseThrow());
                SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            ForwarderConfig config = new ForwarderConfig(new AutomateSourceConfig(db.flavor(), db.host(), db.port(),
                    "forwarder", new Secret(password), "labtech", 7001, dir.resolve("state"), "disabled", "none",
                    Map.of()), List.of(new SyslogSinkConfig("siem", "cef", "tcp", "127.0.0.1", receiver.port(),
                    "octet-counting", "5424", 10, "rmm-audit", "fwd", 65536, Duration.ofSeconds(2),
                    Duration.ofMillis(50), Duration.ofMillis(500), TlsConfig.DEFAULT)), null,
                    dir.resolve("dead.jsonl"), new RulesConfig(false, null, java.util.Set.of(), Map.of(),
                    RulesConfig.WorkingHours.DEFAULT, 100), Map.of(), Map.of(), Duration.ofSeconds(5), null);
            try (Forwarder f = Forwarder.start(config)) {
                f.awaitStreaming(Duration.ofSeconds(60));
                sql(db, "UPDATE users SET Name = 'before-restart' WHERE Name = 'alice'");
                assertEquals(1, receiver.await(1, Duration.ofSeconds(20)).size());
                db.restart();
                sql(db, "UPDATE users SET Name = 'after-restart' WHERE Name = 'bob'");
                List<String> got = receiver.await(2, Duration.ofSeconds(60));
                assertEquals(List.of("before-restart", "after-restart"), got.stream().map(m ->
                        CefParser.parse(m).get("duser")).toList(), "the change after the restart arrives");
            }
        }
    }
}
