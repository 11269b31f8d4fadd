package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run the way a user runs it: {@code demo}, and {@code run} with the README's config. */
class CliIT {
    @TempDir
    Path dir;

    private static ProcessBuilder java(String... args) {
        return JarProcess.builder(List.of(), args);
    }

    @Test
    void demo_withNoArguments_printsTheStoryAsParseableCef() throws Exception {
        Process p = java("demo").redirectError(dir.resolve("err.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        String err = Files.readString(dir.resolve("err.log"));
        assertEquals(0, p.exitValue(), err);
        List<CefParser.Cef> lines = out.lines().map(CefParser::parse).toList();
        // events carry their action as signature id; alerts carry their rule's UUID
        List<String> events = lines.stream().filter(c -> !c.header().get(4).matches("[0-9a-f-]{36}"))
                .map(c -> c.get("act")).toList();
        // a server the demo started itself has an error log it follows: six guessed passwords, and their bursts
        boolean errorLog = err.contains("# ▶ someone guesses the database password");
        List<String> expectedEvents = new java.util.ArrayList<>(List.of("forwarder-started", "user-login",
                "user-created",
                "user-class-added", "user-superadmin-granted", "class-permissions-changed", "user-superadmin-granted",
                "user-superadmin-granted", "user-audit-level-lowered", "user-password-changed", "user-deleted"));
        List<String> expectedAlerts = new java.util.ArrayList<>(List.of("automate_user_created",
                "automate_permissions_changed", "automate_superadmin_granted", "automate_permissions_changed",
                "automate_superadmin_granted", "automate_superadmin_granted", "automate_audit_level_lowered",
                "automate_user_deleted"));
        if (errorLog) {
            expectedEvents.addAll(java.util.Collections.nCopies(6, "database-login-failed"));
            expectedAlerts.addAll(List.of("failed_login_burst_source", "failed_login_burst_user"));
        }
        assertEquals(expectedEvents, events, out + err);
        List<String> alerts = lines.stream().filter(c -> c.header().get(4).matches("[0-9a-f-]{36}"))
                .map(c -> c.get("act")).filter(a -> !a.equals("login_outside_working_hours")).toList();
        assertEquals(expectedAlerts, alerts, out);
        assertTrue(err.contains("# ▶ bob is added to class Admins"), err);
        assertFalse(out.contains("dave-new-hash-sample"));
    }

    @Test
    void run_issueConfigWithPasswordFromEnv_deliversAndStopsCleanlyOnSigterm() throws Exception {
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "cli" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0);
                Connection c = AutomateSample.connect(db, database)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source:
                      type: automate
                      flavor: %s          # mysql | mariadb
                      host: 127.0.0.1
                      port: %d
                      user: %s
                      password: ${FORWARDER_DB_PASSWORD}
                      database: %s
                      serverId: %d
                      stateDir: ./state        # offsets and schema history
                      sslMode: disabled
                    inventory: {interval: 0}   # this test counts the story's events only
                    sinks:
                      - name: siem
                        type: syslog
                        protocol: tcp          # udp | tcp | tls
                        host: 127.0.0.1
                        port: %d
                        framing: octet-counting   # octet-counting | newline (tcp/tls only)
                        format: cef            # cef | json
                    """.formatted(db.flavor(), db.port(), user, database, TestDatabases.uniqueServerId(),
                    receiver.port()));
            ProcessBuilder pb = java("validate", "--config", config.toString());
            pb.environment().put("FORWARDER_DB_PASSWORD", password);
            Process v = pb.redirectErrorStream(true).start();
            String validated = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(v.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, v.exitValue(), validated);

            pb = java("run", "--config", config.toString());
            pb.environment().put("FORWARDER_DB_PASSWORD", password);
            Process run = pb.redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
            try {
                JarProcess.awaitLog(dir.resolve("run.log"), "following the", run);
                Thread.sleep(2500);
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE users SET ClientID = '2,1,' WHERE Name = 'bob'");
                    st.execute("DELETE FROM users WHERE Name = 'frank'");
                }
                // 3 events and their alerts (class change, SuperAdmin, deletion)
                List<String> got = receiver.await(6, Duration.ofSeconds(30));
                List<String> acts = got.stream().map(m -> CefParser.parse(m).get("act")).toList();
                assertEquals(List.of("user-class-added", "user-superadmin-granted", "user-deleted"),
                        acts.stream().filter(a -> a.contains("-")).toList(), Files.readString(dir.resolve("run.log")));
                assertTrue(acts.contains("automate_superadmin_granted"), acts.toString());
            } finally {
                run.destroy();
            }
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run did not stop on SIGTERM");
            String log = Files.readString(dir.resolve("run.log"));
            assertEquals(0, run.exitValue(), log);
            assertFalse(log.contains(password), "the database password appeared in the log");
            assertTrue(Files.exists(dir.resolve("state").resolve("offsets.dat")), "offsets under stateDir");
        }
    }
}
