package dev.rmmaudit.forwarder.health;

import dev.rmmaudit.forwarder.encode.Version;
import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.event.HealthAlerts;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every {@code interval}, one event to every sink saying the forwarder is alive: its host and version, how long it
 * has run, what each source has read and how far behind it is, what it sent, and what each sink still owes. A SIEM
 * alerts when they stop (the searches are in {@code packaging/}): on a quiet day the heartbeats still come, from a
 * stopped or silenced forwarder they do not.
 */
public final class Heartbeat implements AutoCloseable {
    public static final String ACTION = "forwarder-heartbeat";

    /** What the heartbeat reports, read fresh for each one. */
    public interface Status {
        /** Per source, what it has read ({@code position}) and its lag in seconds, where it knows them. */
        Map<String, Map<String, String>> sources();

        long events();

        long alerts();

        long deadLettered();

        /** Per sink, the events it still owes. */
        Map<String, Long> backlog();

        /** Per sealed sink, the last sequence number in its chain (the heartbeat itself comes after it). */
        default Map<String, Long> chainHeads() {
            return Map.of();
        }
    }

    private final Duration interval;
    private final Status status;
    private final Consumer<SecurityEvent> send;
    private final Clock clock;
    private final String host;
    private final Instant started;
    private Thread thread;
    private volatile boolean closed;
    private long sequence;

    public Heartbeat(Duration interval, Status status, Consumer<SecurityEvent> send, Clock clock, String host) {
        this.interval = interval;
        this.status = status;
        this.send = send;
        this.clock = clock;
        this.host = host;
        this.started = clock.instant();
    }

    /** Starts sending, the first one an interval from now; nothing with an interval of 0. */
    public void start() {
        if (interval.isZero()) {
            return;
        }
        thread = new Thread(() -> {
            try {
                while (!closed) {
                    Thread.sleep(interval.toMillis());
                    if (!closed) {
                        send.accept(beat());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    /** One heartbeat now. */
    public SecurityEvent beat() {
        Instant now = clock.instant();
        long n = ++sequence;
        Map<String, String> a = new LinkedHashMap<>();
        a.put("heartbeat.host", host);
        a.put("heartbeat.version", Version.current());
        a.put("heartbeat.uptime_seconds", Long.toString(Duration.between(started, now).toSeconds()));
        a.put("heartbeat.interval_seconds", Long.toString(interval.toSeconds()));
        a.put("heartbeat.number", Long.toString(n));
        a.put("heartbeat.events", Long.toString(status.events()));
        a.put("heartbeat.alerts", Long.toString(status.alerts()));
        a.put("heartbeat.dead_letters", Long.toString(status.deadLettered()));
        status.sources().forEach((source, facts) -> facts.forEach((k, v) -> a.put("source." + key(source) + "." + k,
                v)));
        status.backlog().forEach((sink, owed) -> a.put("sink." + key(sink) + ".backlog", Long.toString(owed)));
        status.chainHeads().forEach((sink, head) -> a.put("sink." + key(sink) + ".chain_head", Long.toString(head)));
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(EventIds.of("heartbeat", host, started.toString(), Long.toString(n)))
                .time(now)
                .module(HealthAlerts.MODULE)
                .dataset(HealthAlerts.MODULE + ".heartbeat")
                .action(ACTION)
                .name("Forwarder heartbeat")
                .category("host")
                .types(List.of("info"))
                .outcome(SecurityEvent.Outcome.SUCCESS)
                .severity(1)
                .message("rmm-audit forwarder on " + host + " alive for " + a.get("heartbeat.uptime_seconds") + " s: "
                        + a.get("heartbeat.events") + " events, " + a.get("heartbeat.alerts") + " alerts, "
                        + a.get("heartbeat.dead_letters") + " dead letters since start");
        a.forEach(b::attribute);
        return b.build();
    }

    /** A name as an attribute path part: lower case, letters, digits and underscores. */
    private static String key(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
