package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.rmmaudit.forwarder.testing.ScreenConnectFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged forwarder on a ScreenConnect App_Data folder, in the 25.x layout (logins in Security.db) and the
 * older one (logins in Session.db), while another process writes to the databases in WAL mode, as the ScreenConnect
 * service does: stopped (SIGTERM) and started again in the middle, it forwards every login attempt exactly once,
 * then the CVE-2024-1709 alerts when an administrator appears in User.xml and when the user store is reset; and no
 * byte it wrote (messages, logs, state, dead letters) holds a password hash or one-time-password key.
 */
class ScreenConnectIT {
    private static final int LOGINS = 3_000;

    @TempDir
    Path dir;

    private Process generator(Path appData, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", JarProcess.JAR.toString(), "dev.rmmaudit.forwarder.demo.ScreenConnectSample",
                appData.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("generator-" + args[0]
                + ".log").toFile()).start();
    }

    private Process forwarder(Path config, String log) throws Exception {
        return JarProcess.builder(List.of("-Xmx256m"), "run", "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
    }

    /** The messages holding {@code text}, once at least {@code n} arrived (or after 30 s). */
    private static List<String> await(SyslogReceiver r, String text, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> found = List.of();
        do {
            found = List.copyOf(r.messages()).stream().filter(m -> m.contains(text)).toList();
            if (found.size() >= n) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return found;
    }

    private static Map<String, Integer> logins(SyslogReceiver r) {
        Map<String, Integer> out = new HashMap<>();
        for (String m : List.copyOf(r.messages())) {
            CefParser.Cef cef = CefParser.parse(m);
            String act = cef.get("act");
            if ("login-succeeded".equals(act) || "login-failed".equals(act)) {
                out.merge(cef.get("duser"), 1, Integer::sum);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "layout {0}")
    @ValueSource(strings = {"25.x", "legacy"})
    void writerProcessInWalMode_forwarderRestartedMidway_everyLoginOnceThenTheCveAlerts(String layout)
            throws Exception {
        Path appData = dir.resolve("App_Data");
        assertEquals(0, (layout.equals("legacy") ? generator(appData, "create", "legacy") : generator(appData,
                "create")).waitFor());
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source: {type: screenconnect, appData: "%s", pollInterval: 100ms, startAt: end}
                    drainTimeout: 10s
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef}
                    """.formatted(appData.toString().replace("\\", "/"), receiver.port()));
            Process first = forwarder(config, "first.log");
            JarProcess.awaitLog(dir.resolve("first.log"), "following ScreenConnect", first);
            // about 2 ms a row: the stop below falls while the writer is still writing, whatever the machine
            Process writer = generator(appData, "logins", Integer.toString(LOGINS), "2");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (logins(receiver).size() < LOGINS / 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.destroy(); // SIGTERM while the writer is still writing
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
            int beforeRestart = logins(receiver).size();
            Process second = forwarder(config, "second.log");
            try {
                assertTrue(writer.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, writer.exitValue(), "the writer was never refused: "
                        + Files.readString(dir.resolve("generator-logins.log")));
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (logins(receiver).size() < LOGINS && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Map<String, Integer> got = logins(receiver);
                assertEquals(LOGINS, got.size(), "every login attempt forwarded");
                assertTrue(got.values().stream().allMatch(n -> n == 1), "none twice across a graceful restart");
                assertTrue(beforeRestart > 0 && beforeRestart < LOGINS, "the restart fell in the middle: "
                        + beforeRestart);

                assertEquals(0, generator(appData, "attack").waitFor());
                List<String> alerts = await(receiver, "act=screenconnect_user_created_without_admin_login", 1);
                assertEquals(1, alerts.size(), "the CVE-2024-1709 pattern alert");
                assertTrue(alerts.get(0).contains("duser=eviladmin"), alerts.get(0));

                assertEquals(0, generator(appData, "mfa-off", "alice").waitFor());
                assertEquals(1, await(receiver, "act=screenconnect_two_factor_disabled", 1).size(), "MFA removed");
                assertEquals(0, generator(appData, "audit", "Basic").waitFor());
                assertEquals(1, await(receiver, "act=screenconnect_audit_level_lowered", 1).size());
                assertEquals(0, generator(appData, "hide").waitFor());
                assertEquals(1, await(receiver, layout.equals("legacy") ? "act=screenconnect_hidden_session_event"
                        : "act=session-history-deleted", 1).size(), "the hidden command");
                int evidence = await(receiver, "act=evidence_removal", layout.equals("legacy") ? 0 : 1).size();
                assertEquals(0, generator(appData, "old").waitFor());
                await(receiver, "duser=old-login", 1);
                assertEquals(0, generator(appData, "purge", "30").waitFor()); // the maintenance plan's run
                Thread.sleep(1_000); // ten polls
                assertEquals(evidence, await(receiver, "act=evidence_removal", evidence).size(),
                        "the routine purge raises nothing");
                assertTrue(Files.readString(dir.resolve("second.log")).contains("removed by ScreenConnect's maintenance"));

                assertEquals(0, generator(appData, "reset").waitFor());
                List<String> reset = await(receiver, "act=screenconnect_user_store_reset", 1);
                assertEquals(1, reset.size(), "the user-store reset alert");
                assertTrue(reset.get(0).contains("setupadmin"), reset.get(0));
                assertTrue(List.copyOf(receiver.messages()).stream().anyMatch(m -> m.contains("act=user-store-reset")
                        && m.contains("admin,alice,eviladmin")), "the removed users are named");
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            Files.writeString(dir.resolve("messages.txt"), String.join("\n", List.copyOf(receiver.messages())));
            for (Path written : List.of(dir.resolve("state"), dir.resolve("first.log"), dir.resolve("second.log"),
                    dir.resolve("messages.txt"))) {
                assertEquals(List.of(), ScreenConnectFixtures.filesWithSecrets(written),
                        "no hash or OTP key in what the forwarder wrote");
            }
            String log = Files.readString(dir.resolve("first.log"));
            assertTrue(log.contains(layout.equals("legacy") ? "the older layout" : "the 25.x layout"), log);
            assertTrue(log.contains(layout.equals("legacy") ? "Session.db: login, logout and password events"
                    : "Security.db: login, logout and password events"), log);
        }
    }
}
