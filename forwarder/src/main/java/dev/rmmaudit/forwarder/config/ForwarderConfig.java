package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration of one forwarder, read from a YAML file.
 *
 * <p>Relative paths in the file are resolved against the directory the file is in, so a service started
 * from any working directory behaves the same.
 *
 * @param mappingsDir a directory whose {@code *.yml} files override or add to the built-in mappings, or null
 * @param deadLetterFile where rows that cannot be mapped are written (JSON lines), with the reason
 * @param drainTimeout on shutdown, how long sinks may take to deliver what they hold before the forwarder
 *     stops anyway (what is left stays uncommitted and is read again on the next start)
 */
public record ForwarderConfig(
        AutomateSourceConfig source,
        List<SinkConfig> sinks,
        Path mappingsDir,
        Path deadLetterFile,
        RulesConfig rules,
        Map<String, String> sinkSelect,
        Map<String, BufferConfig> sinkBuffers,
        java.time.Duration drainTimeout,
        ScreenConnectSourceConfig screenConnect,
        InventoryConfig inventory,
        List<LogFileSourceConfig> logFiles,
        WatchConfig watch) {

    /** A configuration built in code with log sources: no heartbeat unless asked for. */
    public ForwarderConfig(AutomateSourceConfig source, List<SinkConfig> sinks, Path mappingsDir, Path deadLetterFile,
            RulesConfig rules, Map<String, String> sinkSelect, Map<String, BufferConfig> sinkBuffers,
            java.time.Duration drainTimeout, ScreenConnectSourceConfig screenConnect, InventoryConfig inventory,
            List<LogFileSourceConfig> logFiles) {
        this(source, sinks, mappingsDir, deadLetterFile, rules, sinkSelect, sinkBuffers, drainTimeout, screenConnect,
                inventory, logFiles, WatchConfig.OFF);
    }

    /** This configuration with a heartbeat every {@code interval} (0: none). */
    public ForwarderConfig withHeartbeat(java.time.Duration interval) {
        return withWatch(new WatchConfig(interval, watch.metricsHost(), watch.metricsPort()));
    }

    /** This configuration watched as {@code w} says. */
    public ForwarderConfig withWatch(WatchConfig w) {
        return new ForwarderConfig(source, sinks, mappingsDir, deadLetterFile, rules, sinkSelect, sinkBuffers,
                drainTimeout, screenConnect, inventory, logFiles, w);
    }

    /** A configuration without log-file sources. */
    public ForwarderConfig(AutomateSourceConfig source, List<SinkConfig> sinks, Path mappingsDir, Path deadLetterFile,
            RulesConfig rules, Map<String, String> sinkSelect, Map<String, BufferConfig> sinkBuffers,
            java.time.Duration drainTimeout, ScreenConnectSourceConfig screenConnect, InventoryConfig inventory) {
        this(source, sinks, mappingsDir, deadLetterFile, rules, sinkSelect, sinkBuffers, drainTimeout, screenConnect,
                inventory, List.of());
    }

    /** A configuration built in code (the demo, the tests): no inventory unless asked for. */
    public ForwarderConfig(AutomateSourceConfig source, List<SinkConfig> sinks, Path mappingsDir, Path deadLetterFile,
            RulesConfig rules, Map<String, String> sinkSelect, Map<String, BufferConfig> sinkBuffers,
            java.time.Duration drainTimeout, ScreenConnectSourceConfig screenConnect) {
        this(source, sinks, mappingsDir, deadLetterFile, rules, sinkSelect, sinkBuffers, drainTimeout, screenConnect,
                InventoryConfig.OFF);
    }

    /** Where the forwarder keeps its state: the Automate source's stateDir, else the ScreenConnect or log source's. */
    public Path stateDir() {
        return source != null ? source.stateDir() : screenConnect != null ? screenConnect.stateDir()
                : logFiles.get(0).stateDir();
    }

    public static final java.time.Duration DEFAULT_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(20);

    /** What a sink receives: {@code all} (the default), only {@code events}, or only {@code alerts}. */
    public String select(String sinkName) {
        return sinkSelect.getOrDefault(sinkName, "all");
    }

    /** Where a sink keeps what it owes: in memory (the default) or in a disk buffer. */
    public BufferConfig buffer(String sinkName) {
        return sinkBuffers.getOrDefault(sinkName, BufferConfig.memory());
    }

    static final String SINK_TYPES = "syslog, stdout, file, splunk_hec, elasticsearch, sentinel, http";

    /** Reads and checks {@code file}; throws a {@link ConfigException} listing every problem. */
    public static ForwarderConfig load(Path file, Env env) {
        Checked c = check(file, env);
        c.problems().throwIfAny();
        return c.config();
    }

    /**
     * Reads {@code file} as far as it can: the configuration (parts with problems take their defaults, and
     * it is null when the file cannot be parsed) and every problem found.
     */
    public static Checked check(Path file, Env env) {
        Problems problems = new Problems();
        ConfigNode root = ConfigNode.parse(file, env, problems);
        if (!root.isPresent()) {
            if (problems.isEmpty()) {
                problems.add(file.toString(), "the file is empty; a configuration needs source and sinks");
            }
            return new Checked(null, problems);
        }
        return new Checked(read(root, file.toAbsolutePath().getParent()), problems);
    }

    /** A configuration read as far as possible, and what is wrong with it. */
    public record Checked(ForwarderConfig config, Problems problems) {
    }

    /** Reads a parsed configuration; problems are recorded in the node's {@link Problems}. */
    public static ForwarderConfig read(ConfigNode root, Path baseDir) {
        if (!root.isMap()) {
            root.problem("the configuration must be a map with keys source, sinks, mappings, deadLetterFile, rules,"
                    + " inventory, heartbeat, metrics");
            return null;
        }
        AutomateSourceConfig source = null;
        ScreenConnectSourceConfig screenConnect = null;
        List<LogFileSourceConfig> logFiles = new ArrayList<>();
        List<ConfigNode> sourceNodes = new ArrayList<>();
        if (root.has("source")) {
            sourceNodes.add(root.child("source"));
        }
        sourceNodes.addAll(root.list("sources"));
        if (root.has("source") && root.has("sources")) {
            root.child("sources").problem("use 'source' (one) or 'sources' (a list), not both");
        }
        if (sourceNodes.isEmpty()) {
            root.problem("missing required key 'source' (or 'sources': a list of sources)");
        }
        for (ConfigNode sourceNode : sourceNodes) {
            String type = sourceNode.choice("type", null, "automate", "screenconnect", "logfile");
            if (type == null) {
                if (!sourceNode.has("type")) {
                    sourceNode.problem("missing required key 'type' (allowed: automate, screenconnect, logfile)");
                }
                continue;
            }
            if (type.equals("logfile")) {
                LogFileSourceConfig l = LogFileSourceConfig.read(sourceNode, baseDir, logFiles.size());
                if (logFiles.stream().anyMatch(o -> o.name().equals(l.name()))) {
                    sourceNode.child("name").problem("log source name '" + l.name() + "' is used twice");
                }
                logFiles.add(l);
            } else if (type.equals("automate")) {
                if (source != null) {
                    sourceNode.problem("only one automate source per forwarder; run one forwarder per server");
                }
                source = AutomateSourceConfig.read(sourceNode, baseDir);
            } else {
                if (screenConnect != null) {
                    sourceNode.problem("only one screenconnect source per forwarder; run one forwarder per server");
                }
                screenConnect = ScreenConnectSourceConfig.read(sourceNode, baseDir);
            }
        }
        Map<String, String> selects = new java.util.LinkedHashMap<>();
        Map<String, BufferConfig> buffers = new java.util.LinkedHashMap<>();
        Path stateForSinks = source != null ? source.stateDir() : screenConnect != null ? screenConnect.stateDir()
                : !logFiles.isEmpty() ? logFiles.get(0).stateDir() : baseDir.resolve("state");
        List<SinkConfig> sinks = readSinks(root, baseDir, stateForSinks, selects, buffers);
        String mappings = root.string("mappings", null);
        Path state = stateForSinks;
        String dead = root.string("deadLetterFile", null);
        RulesConfig rules = RulesConfig.read(root.child("rules"), baseDir);
        java.time.Duration drain = Durations.read(root.child("drainTimeout"), DEFAULT_DRAIN_TIMEOUT);
        InventoryConfig inventory = InventoryConfig.read(root.child("inventory"));
        WatchConfig watch = WatchConfig.read(root.child("heartbeat"), root.child("metrics"));
        root.rejectUnknownKeys();
        return new ForwarderConfig(source, sinks,
                mappings == null ? null : baseDir.resolve(mappings).normalize(),
                dead == null ? state.resolve("dead-letter.jsonl") : baseDir.resolve(dead).normalize(), rules,
                Map.copyOf(selects), Map.copyOf(buffers), drain, screenConnect, inventory, List.copyOf(logFiles),
                watch);
    }

    private static List<SinkConfig> readSinks(ConfigNode root, Path baseDir, Path stateDir,
            Map<String, String> selects, Map<String, BufferConfig> buffers) {
        List<ConfigNode> nodes = root.list("sinks");
        if (nodes.isEmpty()) {
            root.problem("missing 'sinks': at least one sink is needed (types: " + SINK_TYPES + ")");
        }
        List<SinkConfig> sinks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            ConfigNode n = nodes.get(i);
            String name = n.string("name", "sink" + (i + 1));
            if (!names.add(name)) {
                n.child("name").problem("sink name '" + name + "' is used twice; names must be unique");
            }
            String type = n.choice("type", null, "syslog", "stdout", "file", "splunk_hec", "elasticsearch",
                    "sentinel", "http");
            if (type == null) {
                if (!n.has("type")) {
                    n.problem("missing required key 'type' (allowed: " + SINK_TYPES + ")");
                }
                continue;
            }
            boolean textSink = type.equals("syslog") || type.equals("stdout");
            String format = n.choice("format", textSink ? "cef" : "json", "cef", "json");
            if (format.equals("cef") && !textSink && !type.equals("file")) {
                n.child("format").problem("a " + type + " sink sends ECS JSON; cef is for syslog, stdout and file");
            }
            SinkConfig sink = switch (type) {
                case "syslog" -> SyslogSinkConfig.read(n, name, format, baseDir);
                case "splunk_hec" -> SplunkHecSinkConfig.read(n, name, baseDir, stateDir);
                case "elasticsearch" -> ElasticsearchSinkConfig.read(n, name, baseDir, stateDir);
                case "sentinel" -> SentinelSinkConfig.read(n, name, baseDir, stateDir);
                case "http" -> HttpSinkConfig.read(n, name, baseDir, stateDir);
                case "file" -> {
                    String path = n.requiredString("path");
                    yield new FileSinkConfig(name, format, path == null ? null : baseDir.resolve(path).normalize());
                }
                default -> new StdoutSinkConfig(name, format);
            };
            String select = n.choice("select", "all", "all", "events", "alerts");
            BufferConfig buffer = BufferConfig.read(n.child("buffer"), name, baseDir, stateDir);
            n.rejectUnknownKeys();
            sinks.add(sink);
            selects.put(name, select);
            buffers.put(name, buffer);
        }
        return sinks;
    }
}
