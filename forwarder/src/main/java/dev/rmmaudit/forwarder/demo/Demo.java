package dev.rmmaudit.forwarder.demo;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.InventoryConfig;
import dev.rmmaudit.forwarder.config.LogFileSourceConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.StdoutSinkConfig;
import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.stdout.StdoutSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Plays the sample story against a throwaway database through the real pipeline (Debezium, mappings,
 * encoder, sink) and prints the events as they arrive.
 */
public final class Demo {
    private final PrintStream events;
    private final PrintStream narration;

    public Demo(PrintStream events, PrintStream narration) {
        this.events = events;
        this.narration = narration;
    }

    /** Runs the story on {@code db}; returns the number of events printed. */
    public long run(ThrowawayDatabase db, String format) throws Exception {
        return run(db, format, false);
    }

    /**
     * Runs the story on {@code db} and, with {@code screenConnect}, on a sample ScreenConnect App_Data folder
     * too (both sources in one stream); returns the number of events printed.
     */
    public long run(ThrowawayDatabase db, String format, boolean screenConnect) throws Exception {
        Path state = Files.createTempDirectory("rmm-audit-demo-state-");
        Path appData = state.resolve("ScreenConnect").resolve("App_Data");
        try (ScreenConnectSample sc = screenConnect ? ScreenConnectSample.create(appData) : null) {
            if (sc != null) {
                narration.println("# sample ScreenConnect 25.x App_Data made in " + appData + " (Security.db and"
                        + " Session.db in WAL mode, User.xml with admin and alice, Role.xml, web.config)");
            }
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            narration.println("# sample Automate schema loaded; forwarder account has only: " + AutomateSample.GRANTS);
            AutomateSourceConfig source = new AutomateSourceConfig(db.flavor(), db.host(), db.port(), "forwarder",
                    new Secret(password), "labtech", 5401, state, "disabled", "none", Map.of());
            // the throwaway server's own error log, where its refused logins are (a local server's only)
            List<LogFileSourceConfig> logs = db instanceof LocalServer local ? List.of(new LogFileSourceConfig(
                    "database-error-log", List.of(local.errorLog().getParent().toString().replace('\\', '/')
                    + "/server.log*"), "mysql-error", "end", Duration.ofMillis(200), state)) : List.of();
            ForwarderConfig config = new ForwarderConfig(source, List.of(new StdoutSinkConfig("stdout", format)), null,
                    state.resolve("dead-letter.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(),
                    ForwarderConfig.DEFAULT_DRAIN_TIMEOUT, sc == null ? null : ScreenConnectSourceConfig.of(appData,
                    Duration.ofMillis(200), state, "end"), InventoryConfig.OFF, logs);
            Sink sink = new StdoutSink("stdout", Encoder.forFormat(format), events);
            try (Forwarder forwarder = Forwarder.start(config, List.of(sink));
                    Connection c = AutomateSample.connect(db, "labtech")) {
                if (!forwarder.awaitStreaming(Duration.ofSeconds(60))) {
                    throw new IOException("the binlog reader did not connect within 60 s");
                }
                narration.println("# following the binlog; playing the story");
                for (SqlScript.Step step : SqlScript.resource("samples/automate/story.sql").steps()) {
                    narration.println();
                    narration.println("# ▶ " + step.caption());
                    narration.flush();
                    long before = forwarder.pipeline().events();
                    SqlScript.run(c, step);
                    awaitQuiet(forwarder, before);
                }
                if (!logs.isEmpty()) {
                    Thread.sleep(400); // the log source's first look: what was logged before is history
                    step(forwarder, "someone guesses the database password of 'admin' six times (the server's own"
                            + " error log records each refusal)", () -> {
                                for (int i = 0; i < 6; i++) {
                                    AutomateSample.tryWrongPassword(db, "admin");
                                }
                            });
                }
                if (sc != null) {
                    playScreenConnect(sc, forwarder);
                }
                long n = forwarder.pipeline().events();
                narration.println();
                narration.println("# " + (n - forwarder.pipeline().alerts()) + " events and " + forwarder.pipeline()
                        .alerts() + " alerts from the built-in rules; " + forwarder.pipeline().deadLettered()
                        + " rows dead-lettered");
                return n;
            }
        } finally {
            LocalServer.deleteTree(state);
        }
    }

    /** ScreenConnect's part of the story, written as the service and an attacker would write it. */
    private void playScreenConnect(ScreenConnectSample sc, Forwarder forwarder) throws Exception {
        java.time.Instant now = java.time.Instant.now();
        step(forwarder, "ScreenConnect (Security.db): admin logged in two hours ago (password, then the one-time"
                + " password)", () -> {
                    sc.security(now.minusSeconds(7200), ScreenConnectSample.LOGIN,
                            ScreenConnectSample.ONE_TIME_PASSWORD_REQUIRED, "admin", "10.0.0.2");
                    sc.security(now.minusSeconds(7190), ScreenConnectSample.LOGIN, ScreenConnectSample.SUCCESS,
                            "admin", "10.0.0.2");
                });
        step(forwarder, "ScreenConnect (Security.db): six wrong passwords for admin from 2001:db8::66", () -> {
            for (int i = 0; i < 6; i++) {
                sc.security(now.plusSeconds(i), ScreenConnectSample.LOGIN, ScreenConnectSample.PASSWORD_INVALID,
                        "admin", "2001:db8::66");
            }
        });
        step(forwarder, "ScreenConnect (Session.db): alice runs a command on FRONTDESK-PC, then hides it from the web"
                + " UI (25.x deletes the row)", () -> {
                    byte[] session = sc.session(now.plusSeconds(10), "Front desk", "alice", "FRONTDESK-PC");
                    sc.connect(now.plusSeconds(10), session, "alice", "10.0.0.4");
                    byte[] ran = sc.sessionEvent(now.plusSeconds(11), session, "alice",
                            ScreenConnectSample.RAN_COMMAND, "powershell -enc SQBFAFgA", ScreenConnectSample.HIDDEN);
                    Thread.sleep(600);
                    sc.deleteSessionEvent(ran);
                });
        step(forwarder, "ScreenConnect (User.xml): MFA turned off for alice (her PasswordQuestion emptied)",
                () -> sc.disableTwoFactor("alice"));
        step(forwarder, "ScreenConnect (User.xml): the setup-wizard bypass (CVE-2024-1709) resets the user store:"
                + " admin and alice gone, administrator setupadmin in their place", () -> sc.resetUserStore(
                "setupadmin", "setupadmin@poc.com"));
    }

    private interface Action {
        void run() throws Exception;
    }

    private void step(Forwarder forwarder, String caption, Action action) throws Exception {
        narration.println();
        narration.println("# ▶ " + caption);
        narration.flush();
        long before = forwarder.pipeline().events();
        action.run();
        awaitQuiet(forwarder, before);
    }

    /** Waits until events stop arriving for a moment (at most 10 s), so captions and events interleave. */
    private static void awaitQuiet(Forwarder f, long before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long last = before;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = f.pipeline().events();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (now > before && System.nanoTime() - quietSince > 400_000_000L) {
                return;
            }
        }
    }
}
