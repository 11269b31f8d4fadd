package dev.rmmaudit.forwarder.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.config.SinkConfig;
import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real pipeline for an integration test: the sample Automate schema in a database of its own on the
 * shared test server, a least-privileged forwarder account, and a syslog sink over TCP with octet counting
 * to a {@link SyslogReceiver}.
 */
@SuppressWarnings("try")
public final class ForwarderFixture implements AutoCloseable {
    public final ThrowawayDatabase db;
    public final String database;
    public final SyslogReceiver receiver;
    public final Connection root;
    private final Path stateDir;
    private final String user;
    private final String password;
    private final long serverId;
    private Forwarder forwarder;
    private Path mappingsDir;
    private RulesConfig rules = RulesConfig.DEFAULT;
    private String select = "events";
    private Map<String, dev.rmmaudit.forwarder.config.BufferConfig> buffers = Map.of();
    private int sourcePort;
    private String flavor;
    private List<SinkConfig> extraSinks = List.of();
    private java.time.Duration drainTimeout = ForwarderConfig.DEFAULT_DRAIN_TIMEOUT;
    private Duration heartbeat = Duration.ZERO;
    private boolean metrics;
    private dev.rmmaudit.forwarder.config.InventoryConfig inventory =
            dev.rmmaudit.forwarder.config.InventoryConfig.OFF;

    private ForwarderFixture(ThrowawayDatabase db, String database, SyslogReceiver receiver, Connection root,
            Path stateDir, String user, String password) {
        this.db = db;
        this.database = database;
        this.receiver = receiver;
        this.root = root;
        this.stateDir = stateDir;
        this.user = user;
        this.password = password;
        this.serverId = TestDatabases.uniqueServerId();
    }

    /** A fixture whose forwarder sends source events only (no alerts) to the receiver, started. */
    public static ForwarderFixture start(Path dir) throws Exception {
        ForwarderFixture f = prepare(dir);
        f.startForwarder();
        return f;
    }

    /** A fixture with its database and receiver ready and the forwarder not yet started. */
    public static ForwarderFixture prepare(Path dir) throws Exception {
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "fwd" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        ForwarderFixture f = new ForwarderFixture(db, database, SyslogReceiver.tcp(0),
                AutomateSample.connect(db, database), dir.resolve("state"), user, password);
        return f;
    }

    public ForwarderConfig config() {
        AutomateSourceConfig source = new AutomateSourceConfig(flavor != null ? flavor : db.flavor(), db.host(),
                sourcePort != 0 ? sourcePort : db.port(), user,
                new Secret(password), database, serverId, stateDir, "disabled", "none", Map.of());
        SinkConfig sink = new SyslogSinkConfig("siem", "cef", "tcp", "127.0.0.1", receiver.port(), "octet-counting",
                "5424", 10, "rmm-audit", "fwd", 65536, Duration.ofSeconds(2), Duration.ofMillis(20),
                Duration.ofMillis(500), TlsConfig.DEFAULT);
        List<SinkConfig> sinks = new java.util.ArrayList<>(List.of(sink));
        sinks.addAll(extraSinks);
        return new ForwarderConfig(source, sinks, mappingsDir, stateDir.resolve("dead-letter.jsonl"), rules,
                Map.of("siem", select), buffers, drainTimeout, null, inventory).withWatch(
                new dev.rmmaudit.forwarder.config.WatchConfig(heartbeat, metrics ? "127.0.0.1" : null, 0));
    }

    /** Extra mappings (such as the failed-login template) for the next start. */
    public ForwarderFixture mappings(Path dir) {
        this.mappingsDir = dir;
        return this;
    }

    /** Which Debezium connector to use, whatever the server is (the MySQL connector reads MariaDB too). */
    public ForwarderFixture flavor(String f) {
        this.flavor = f;
        return this;
    }

    /** How long the forwarder may drain on stop. */
    public ForwarderFixture drainTimeout(java.time.Duration d) {
        this.drainTimeout = d;
        return this;
    }

    /** More sinks beside the syslog receiver (they get everything). */
    public ForwarderFixture sinks(List<SinkConfig> more) {
        this.extraSinks = List.copyOf(more);
        return this;
    }

    /** What the receiver gets: all, events or alerts. */
    public ForwarderFixture select(String s) {
        this.select = s;
        return this;
    }

    /** The forwarder reaches the database through {@code port} on the same host (a proxy) from the next start. */
    public ForwarderFixture sourcePort(int port) {
        this.sourcePort = port;
        return this;
    }

    /** Buffers by sink name for the next start (memory when not named). */
    public ForwarderFixture buffers(Map<String, dev.rmmaudit.forwarder.config.BufferConfig> b) {
        this.buffers = Map.copyOf(b);
        return this;
    }

    /** A heartbeat every {@code interval} from the next start (none unless set). */
    public ForwarderFixture heartbeat(Duration interval) {
        this.heartbeat = interval;
        return this;
    }

    /** Serve /metrics and /health on a free loopback port from the next start. */
    public ForwarderFixture metrics() {
        this.metrics = true;
        return this;
    }

    /** Inventory settings for the next start (off unless set). */
    public ForwarderFixture inventory(dev.rmmaudit.forwarder.config.InventoryConfig i) {
        this.inventory = i;
        return this;
    }

    /** Rule settings for the next start. */
    public ForwarderFixture rules(RulesConfig r) {
        this.rules = r;
        return this;
    }

    public void startForwarder() throws Exception {
        forwarder = Forwarder.start(config());
        assertTrue(forwarder.awaitStreaming(Duration.ofSeconds(60)), "the binlog reader did not connect");
    }

    public void stopForwarder() {
        forwarder.close();
        forwarder = null;
    }

    public Forwarder forwarder() {
        return forwarder;
    }

    public void sql(String... statements) throws Exception {
        try (Statement st = root.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /**
     * Runs {@code statements} and returns the CEF of the {@code n} messages they cause, after checking that no
     * further message follows within a settle time (exactly once).
     */
    public List<CefParser.Cef> expect(int n, String... statements) throws Exception {
        int before = receiver.messages().size();
        sql(statements);
        List<String> got = receiver.await(before + n, Duration.ofSeconds(20));
        Thread.sleep(600);
        List<String> all = receiver.messages();
        assertEquals(before + n, all.size(), "messages after " + String.join("; ", statements) + ":\n"
                + String.join("\n", all.subList(before, all.size())));
        assertEquals(List.of(), receiver.errors(), "framing errors");
        return got.subList(before, before + n).stream().map(CefParser::parse).toList();
    }

    @Override
    public void close() throws java.io.IOException, java.sql.SQLException {
        if (forwarder != null) {
            forwarder.close();
        }
        receiver.close();
        try (Statement st = root.createStatement()) {
            st.execute("DROP DATABASE `" + database + "`");
        }
        root.close();
    }
}
