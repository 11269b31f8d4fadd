package dev.rmmaudit.forwarder.demo;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
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
        Path state = Files.createTempDirectory("rmm-audit-demo-state-");
        try {
            AutomateSample.load(db, "labtech");
            String password = AutomateSample.createForwarderUser(db, "forwarder");
            narration.println("# sample Automate schema loaded; forwarder account has only: " + AutomateSample.GRANTS);
            AutomateSourceConfig source = new AutomateSourceConfig(db.flavor(), db.host(), db.port(), "forwarder",
                    new Secret(password), "labtech", 5401, state, "disabled", "none", Map.of());
            ForwarderConfig config = new ForwarderConfig(source, List.of(new StdoutSinkConfig("stdout", format)), null,
                    state.resolve("dead-letter.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(),
                    ForwarderConfig.DEFAULT_DRAIN_TIMEOUT, null);
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
