package dev.rmmaudit.forwarder.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rmmaudit.forwarder.sink.Sink;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} in the Prometheus text format (Micrometer: events in and out, dead letters, alerts, retries,
 * failures, queue depth per sink, binlog lag, seconds since the last event, the JVM) and {@code /health}: 200 with a
 * short JSON while every source runs and every sink delivers, 503 naming what does not. Off unless configured;
 * meant for loopback (no secret is in any label or answer).
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the endpoints read. */
    public interface Facts extends Heartbeat.Status {
        /** The sources that stopped or are not connected, with why; empty while all run. */
        Map<String, String> sourceProblems();

        /** Seconds since the last event reached the pipeline, or -1 before the first. */
        double secondsSinceLastEvent();

        /** Rows and lines read, by source module. */
        default Map<String, Long> rowsBySource() {
            return Map.of();
        }

        /** Alerts raised, by rule id. */
        default Map<String, Long> alertsByRule() {
            return Map.of();
        }

        /** Bytes held in disk buffers, by sink. */
        default Map<String, Long> bufferBytes() {
            return Map.of();
        }
    }

    private final HttpServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Facts facts;
    private final List<Sink> sinks;
    /** Sources and rules seen so far: their counters are registered as they appear. */
    private final java.util.Set<String> registeredSources = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> registeredRules = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HealthServer(String host, int port, Facts facts, List<Sink> sinks) throws IOException {
        this.facts = facts;
        this.sinks = sinks;
        register();
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", this::health);
        server.setExecutor(null);
    }

    public void start() {
        server.start();
        LOG.info("/metrics and /health on http://{}:{}", server.getAddress().getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void register() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        FunctionCounter.builder("rmm_audit_events_out", facts, Facts::events)
                .description("events made from the sources' changes and handed to the sinks").register(registry);
        FunctionCounter.builder("rmm_audit_alerts", facts, Facts::alerts).description("alerts raised")
                .register(registry);
        FunctionCounter.builder("rmm_audit_dead_letters", facts, Facts::deadLettered)
                .description("rows and lines no mapping could make events of").register(registry);
        Gauge.builder("rmm_audit_seconds_since_last_event", facts, Facts::secondsSinceLastEvent)
                .description("seconds since the last event, -1 before the first").register(registry);
        for (Sink s : sinks) {
            String name = s.name();
            FunctionCounter.builder("rmm_audit_sink_sent", s, x -> x.metrics().sent()).tag("sink", name)
                    .description("events a sink delivered").register(registry);
            FunctionCounter.builder("rmm_audit_sink_retries", s, x -> x.metrics().retries()).tag("sink", name)
                    .register(registry);
            FunctionCounter.builder("rmm_audit_sink_failures", s, x -> x.metrics().failures()).tag("sink", name)
                    .register(registry);
            FunctionCounter.builder("rmm_audit_sink_dead_letters", s, x -> x.metrics().deadLettered())
                    .tag("sink", name).register(registry);
            Gauge.builder("rmm_audit_sink_queue", facts, f -> f.backlog().getOrDefault(name, 0L)).tag("sink", name)
                    .description("events a sink still owes").register(registry);
            if (facts.bufferBytes().containsKey(name)) {
                Gauge.builder("rmm_audit_sink_buffer_bytes", facts, f -> f.bufferBytes().getOrDefault(name, 0L))
                        .tag("sink", name).description("bytes in the sink's disk buffer").register(registry);
            }
        }
        registerNew();
        Gauge.builder("rmm_audit_binlog_lag_seconds", facts, f -> lag(f.sources().get("automate")))
                .description("age of the oldest binlog change read and not yet delivered everywhere").register(registry);
    }

    private static double lag(Map<String, String> automate) {
        return automate == null ? 0 : Double.parseDouble(automate.getOrDefault("lag_seconds", "0"));
    }

    /** Counters for sources and rules that appeared since the last scrape. */
    private void registerNew() {
        for (String source : facts.rowsBySource().keySet()) {
            if (registeredSources.add(source)) {
                FunctionCounter.builder("rmm_audit_events_in", facts, f -> f.rowsBySource().getOrDefault(source, 0L))
                        .tag("source", source).description("rows and log lines a source read").register(registry);
            }
        }
        for (String rule : facts.alertsByRule().keySet()) {
            if (registeredRules.add(rule)) {
                FunctionCounter.builder("rmm_audit_alerts_by_rule", facts, f -> f.alertsByRule().getOrDefault(rule,
                        0L)).tag("rule", rule).description("alerts a rule raised").register(registry);
            }
        }
    }

    private void metrics(HttpExchange x) throws IOException {
        registerNew();
        answer(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private void health(HttpExchange x) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode problems = n.putObject("problems");
        facts.sourceProblems().forEach((source, why) -> problems.put("source " + source, why));
        for (Sink s : sinks) {
            if (s.metrics().failing()) {
                problems.put("sink " + s.name(), "its last delivery failed; " + facts.backlog().getOrDefault(s.name(),
                        0L) + " events owed");
            }
        }
        boolean up = problems.isEmpty();
        n.put("status", up ? "up" : "down");
        n.put("events", facts.events());
        n.put("alerts", facts.alerts());
        answer(x, up ? 200 : 503, "application/json", JSON.writeValueAsString(n));
    }

    private static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
