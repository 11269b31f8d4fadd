package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.config.HttpSettings;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SplunkHecSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sinks;
import dev.rmmaudit.forwarder.sink.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Times SplunkHecSink.deliver against the benchmark's HEC receiver: where a delivery's time goes. */
public final class HecProbe {
    public static void main(String[] args) throws Exception {
        // The JDK's HttpServer (our stand-in receivers) writes response headers and body apart without
        // TCP_NODELAY, so every request waited ~40 ms for a delayed ACK: a receiver artefact real SIEMs lack.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int n = Integer.parseInt(args.length > 0 ? args[0] : "5000");
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(SecurityEvent.builder().id("id" + i).time(Instant.now()).module("automate").dataset("automate.users")
                    .action("user-email-changed").name("User e-mail changed").category("iam").types(List.of("user"))
                    .severity(4).message("Automate user bob e-mail changed to b" + i + "@bench").targetUserName("bob")
                    .targetUserId("3").change("Email", new SecurityEvent.Change("a", "b" + i + "@bench"))
                    .origin(new SecurityEvent.Origin("db:3306", "labtech", "users", "binlog.000001:" + i + ":0")).build());
        }
        Path dead = Files.createTempFile("d", ".jsonl");
        try (Receivers.Hec hec = new Receivers.Hec()) {
            Sink sink = Sinks.create(new SplunkHecSinkConfig("hec", "json", hec.url(), new Secret("t"), null, "rmm-audit",
                    "rmm:audit:ecs", null, true, Duration.ofMillis(20), Duration.ofMinutes(2), new HttpSettings(
                            Duration.ofSeconds(30), TlsConfig.DEFAULT, Integer.parseInt(args.length > 1 ? args[1] : "1000"), 20_000_000, Duration.ofMillis(50), false, 0,
                            Duration.ofMillis(100), Duration.ofSeconds(5), dead)));
            for (int round = 0; round < 8; round++) {
                long t0 = System.nanoTime();
                sink.deliver(events);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("deliver %,d events: %d ms (%,.0f events/s)%n", n, ms, n * 1000.0 / Math.max(ms, 1));
            }
            sink.close();
        } finally {
            Files.deleteIfExists(dead);
        }
        System.exit(0);
    }
}
