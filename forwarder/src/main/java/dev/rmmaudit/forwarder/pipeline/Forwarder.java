package dev.rmmaudit.forwarder.pipeline;

import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.chain.ChainKey;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.rule.DerivedFields;
import dev.rmmaudit.forwarder.rule.Detector;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleEngine;
import dev.rmmaudit.forwarder.rule.RuleSet;
import java.time.Clock;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.Sinks;
import dev.rmmaudit.forwarder.event.HealthAlerts;
import dev.rmmaudit.forwarder.health.HealthServer;
import dev.rmmaudit.forwarder.health.Heartbeat;
import dev.rmmaudit.forwarder.inventory.Inventory;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.logfile.LogFileSource;
import dev.rmmaudit.forwarder.source.automate.AutomateSource;
import dev.rmmaudit.forwarder.source.automate.BinlogGapException;
import dev.rmmaudit.forwarder.source.screenconnect.ScreenConnectSource;
import dev.rmmaudit.forwarder.source.automate.DirectoryLoader;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running forwarder: the configured source feeding the pipeline and its sinks. */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** The alert raised when the binlog position is gone. */
    public static final String BINLOG_GAP = "forwarder-binlog-gap";
    /** The alert raised when an operator reset the position with {@code --resnapshot}. */
    public static final String POSITION_RESET = "forwarder-position-reset";

    private final AutomateSource source;
    private final ScreenConnectSource screenConnect;
    private final Pipeline pipeline;
    private final List<Sink> sinks;
    private final Duration drainTimeout;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private Inventory inventory;
    private Heartbeat heartbeat;
    private HealthServer healthServer;
    private final List<LogFileSource> logs;

    private Forwarder(AutomateSource source, ScreenConnectSource screenConnect, List<LogFileSource> logs,
            Pipeline pipeline, List<Sink> sinks, Duration drainTimeout, ForwarderConfig config) {
        this.source = source;
        this.logs = List.copyOf(logs);
        this.screenConnect = screenConnect;
        this.pipeline = pipeline;
        this.sinks = sinks;
        this.drainTimeout = drainTimeout;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        if (source != null) {
            // A gap in the binlog is the SIEM's business too: alert before anyone sees the source has stopped.
            running.add(source.completion().whenComplete((v, error) -> {
                if (error instanceof BinlogGapException gap) {
                    LOG.error(gap.getMessage());
                    pipeline.raise(HealthAlerts.of(BINLOG_GAP, "Forwarder cannot resume: binlog purged past its "
                            + "position", "database", 9, gap.getMessage(), java.util.Map.of("database",
                            config.source().host() + ":" + config.source().port() + "/" + config.source().database(),
                            "state.dir", config.source().stateDir().toString()), java.time.Instant.now()), null);
                }
            }));
        }
        if (screenConnect != null) {
            running.add(screenConnect.completion());
        }
        logs.forEach(l -> running.add(l.completion()));
        // Stops when every source has stopped, or as soon as one fails.
        for (CompletableFuture<Void> f : running) {
            f.whenComplete((v, error) -> {
                if (error != null) {
                    completion.completeExceptionally(error instanceof java.util.concurrent.CompletionException
                            && error.getCause() != null ? error.getCause() : error);
                }
            });
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> completion
                .complete(null));
    }

    /** Starts a forwarder with the sinks its configuration names. */
    public static Forwarder start(ForwarderConfig config) throws SQLException, java.io.IOException {
        List<Sink> sinks = new ArrayList<>();
        config.sinks().forEach(c -> sinks.add(Sinks.create(c)));
        return start(config, sinks);
    }

    /**
     * Starts a forwarder that delivers to {@code sinks} (which it closes when it stops). A source that cannot
     * start (database unreachable, ScreenConnect files unreadable) is thrown, with the sinks closed.
     */
    public static Forwarder start(ForwarderConfig config, List<Sink> sinks) throws SQLException, java.io.IOException {
        return start(config, sinks, false);
    }

    /** As {@link #start(ForwarderConfig, List)}; with {@code inventoryNow} the inventory is sent at once. */
    public static Forwarder start(ForwarderConfig config, List<Sink> sinks, boolean inventoryNow) throws SQLException,
            java.io.IOException {
        Mappings mappings = MappingLoader.load(config.mappingsDir());
        AutomateDirectory directory = new AutomateDirectory();
        EventMapper mapper = new EventMapper(mappings, directory);
        if (config.source() != null) {
            try (DirectoryLoader loader = new DirectoryLoader(config.source())) {
                loader.load(mappings, directory);
            }
        }
        java.nio.file.Files.createDirectories(config.stateDir());
        ChainKey key = ChainKey.load(config.stateDir());
        List<Route> routes = new ArrayList<>();
        for (Sink s : sinks) {
            routes.add(route(config, s).sealedIn(Chain.open(key, s.name(), config.stateDir())));
        }
        Pipeline pipeline = new Pipeline("automate", mapper, routes, new DeadLetterFile(config.deadLetterFile(),
                mappings), detector(config));
        ScreenConnectSource screenConnect = null;
        if (config.screenConnect() != null) {
            screenConnect = new ScreenConnectSource(config.screenConnect(), mappings.forModule(
                    ScreenConnectSource.MODULE));
            try {
                screenConnect.start(pipeline.forModule(ScreenConnectSource.MODULE));
            } catch (java.io.IOException | RuntimeException e) {
                screenConnect.close();
                pipeline.close();
                throw e;
            }
        }
        List<LogFileSource> logs = new ArrayList<>();
        try {
            for (dev.rmmaudit.forwarder.config.LogFileSourceConfig lc : config.logFiles()) {
                TableMapping m = mappings.find(LogFileSource.MODULE, lc.format()).orElseThrow(() ->
                        new java.io.IOException("log source " + lc.name() + ": no mapping for format '" + lc.format()
                                + "' (built in: w3c, combined, mysql-error; or <mappings dir>/logfile/<format>.yml)"));
                LogFileSource l = new LogFileSource(lc, m, (c, e) -> pipeline.deadLetter(LogFileSource.MODULE, c, e),
                        Clock.systemUTC());
                logs.add(l);
                l.start(pipeline.forModule(LogFileSource.MODULE));
            }
        } catch (java.io.IOException | RuntimeException e) {
            logs.forEach(LogFileSource::close);
            if (screenConnect != null) {
                screenConnect.close();
            }
            pipeline.close();
            throw e;
        }
        AutomateSource source = null;
        if (config.source() != null) {
            source = new AutomateSource(config.source(), mappings.forModule("automate"));
            source.start(pipeline);
            AutomateSource started = source;
            Thread announce = new Thread(() -> {
                try {
                    if (started.awaitStreaming(Duration.ofMinutes(10))) {
                        LOG.info("connected to the binlog: every change committed from now on is forwarded");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "announce-streaming");
            announce.setDaemon(true);
            announce.start();
        }
        ScreenConnectSource sc = screenConnect;
        Inventory inventory = new Inventory(config, mappings, pipeline, pipeline.forModule(ScreenConnectSource.MODULE),
                () -> sc == null ? null : sc.users(), Clock.systemUTC());
        inventory.start(inventoryNow);
        Forwarder f = new Forwarder(source, screenConnect, logs, pipeline, List.copyOf(sinks), config.drainTimeout(),
                config);
        f.inventory = inventory;
        HealthServer.Facts facts = f.status();
        f.heartbeat = new Heartbeat(config.watch().heartbeat(), facts, pipeline::broadcast, Clock.systemUTC(),
                dev.rmmaudit.forwarder.source.StateFiles.hostName());
        f.heartbeat.start();
        if (config.watch().servesMetrics()) {
            f.healthServer = new HealthServer(config.watch().metricsHost(), config.watch().metricsPort(), facts,
                    List.copyOf(sinks));
            f.healthServer.start();
        }
        return f;
    }

    /**
     * A sink's route. HTTP sinks wait up to their batch.maxAge for more events until a request's worth
     * (batch.maxEvents) is queued; the others deliver what is queued at once.
     */
    private static Route route(ForwarderConfig config, Sink sink) {
        Duration maxBatchAge = Duration.ZERO;
        int fullBatch = Integer.MAX_VALUE;
        for (dev.rmmaudit.forwarder.config.SinkConfig c : config.sinks()) {
            if (c.name().equals(sink.name()) && c instanceof dev.rmmaudit.forwarder.config.HasHttpSettings h) {
                maxBatchAge = h.http().maxBatchAge();
                fullBatch = h.http().maxBatchEvents();
            }
        }
        return new Route(sink, config.select(sink.name()), config.buffer(sink.name()), maxBatchAge, fullBatch);
    }

    /** The configured alert rules, or null when rules are off. */
    private static Detector detector(ForwarderConfig config) {
        if (!config.rules().enabled()) {
            return null;
        }
        Problems problems = new Problems();
        List<Rule> rules = RuleSet.load(config.rules(), problems);
        problems.throwIfAny();
        LOG.info("{} alert rules enabled", rules.size());
        return new Detector(new RuleEngine(rules, Clock.systemUTC(), config.rules().maxGroups()),
                new DerivedFields(config.rules().workingHours(), config.stateDir().resolve(
                        "known-login-addresses.json")));
    }

    /** What the heartbeat reports: each source's position and lag, what was sent, what each sink owes. */
    private HealthServer.Facts status() {
        return new HealthServer.Facts() {
            @Override
            public java.util.Map<String, String> sourceProblems() {
                java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
                if (source != null && source.completion().isDone()) {
                    p.put("automate", "stopped (see the log)");
                } else if (source != null && !source.isStreaming()) {
                    p.put("automate", "not connected to the binlog");
                }
                if (screenConnect != null && screenConnect.completion().isDone()) {
                    p.put("screenconnect", "stopped (see the log)");
                }
                logs.stream().filter(l -> l.completion().isDone()).forEach(l -> p.put("log " + l.name(), "stopped"));
                return p;
            }

            @Override
            public double secondsSinceLastEvent() {
                return pipeline.secondsSinceLastEvent();
            }

            @Override
            public java.util.Map<String, java.util.Map<String, String>> sources() {
                java.util.Map<String, java.util.Map<String, String>> s = new java.util.LinkedHashMap<>();
                if (source != null) {
                    s.put("automate", source.status(java.time.Instant.now()));
                }
                if (screenConnect != null) {
                    s.put("screenconnect", screenConnect.status());
                }
                logs.forEach(l -> s.put("log_" + l.name(), l.status()));
                return s;
            }

            @Override
            public long events() {
                return pipeline.events() - pipeline.alerts();
            }

            @Override
            public long alerts() {
                return pipeline.alerts();
            }

            @Override
            public long deadLettered() {
                return pipeline.deadLettered();
            }

            @Override
            public java.util.Map<String, Long> backlog() {
                return pipeline.pendingBySink();
            }

            @Override
            public java.util.Map<String, Long> chainHeads() {
                return pipeline.chainHeads();
            }

            @Override
            public java.util.Map<String, Long> rowsBySource() {
                return pipeline.rowsBySource();
            }

            @Override
            public java.util.Map<String, Long> alertsByRule() {
                return pipeline.alertsByRule();
            }

            @Override
            public java.util.Map<String, Long> bufferBytes() {
                return pipeline.bufferBytesBySink();
            }
        };
    }

    /** The port /metrics and /health are served on, or -1 when they are not. */
    public int metricsPort() {
        return healthServer == null ? -1 : healthServer.port();
    }

    /** Waits until the binlog reader is connected: every change committed afterwards will be forwarded. */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        return source == null || source.awaitStreaming(timeout);
    }

    /**
     * Completes when the source stops: normally after {@link #close()}, or exceptionally (a
     * {@link BinlogGapException} when the stored position is gone, after its alert was handed to the sinks).
     */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Delivers what is in hand (at most {@code drainTimeout}), commits it, stops the source and the sinks. */
    @Override
    public void close() {
        try {
            if (!pipeline.drain(drainTimeout)) {
                LOG.warn("sinks still owe {} after {}; those events stay uncommitted and are read again on restart",
                        pipeline.pendingBySink(), drainTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (healthServer != null) {
            healthServer.close();
        }
        if (inventory != null) {
            inventory.close();
        }
        logs.forEach(LogFileSource::close);
        if (screenConnect != null) {
            screenConnect.close();
        }
        if (source != null) {
            source.close();
        }
        pipeline.close();
        for (Sink s : sinks) {
            LOG.info("sink {}: {}", s.name(), s.metrics());
        }
        LOG.info("stopped: {} rows read, {} events delivered ({} alerts), {} rows dead-lettered, {} events the "
                + "rules could not evaluate", pipeline.rows(), pipeline.events(), pipeline.alerts(),
                pipeline.deadLettered(), pipeline.ruleFailures());
    }
}
