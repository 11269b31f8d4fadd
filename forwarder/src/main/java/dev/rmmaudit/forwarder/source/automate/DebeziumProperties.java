package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Translates our configuration into the Debezium embedded engine's properties. */
public final class DebeziumProperties {
    static final String TOPIC_PREFIX = "rmmaudit";
    /** Records the engine hands over at once. */
    static final int MAX_BATCH = 512;
    /** Records read ahead of the forwarder (beyond this the binlog reader waits). */
    static final int MAX_QUEUE = 2048;

    private DebeziumProperties() {
    }

    /** Messages of the errors after which the connector task is restarted (whole-message regular expression). */
    static final String RETRIABLE = "(?s).*(Connection reset|Connection refused|Broken pipe|timed out|Socket closed"
            + "|Connection closed|No route to host|Communications link failure|Failed to read next byte"
            + "|Unexpected end of stream|EOFException|Could not connect|Unable to connect).*";

    /**
     * The engine's properties: only the mapped tables, starting from "now" (schema only), offsets and schema
     * history under the state directory. (Secret columns are masked by {@link RecordConverter}.)
     */
    public static Properties of(AutomateSourceConfig c, List<TableMapping> tables) {
        Properties p = new Properties();
        boolean mariadb = c.flavor().equals("mariadb");
        p.setProperty("name", "rmm-audit-automate");
        p.setProperty("connector.class", mariadb ? "io.debezium.connector.mariadb.MariaDbConnector"
                : "io.debezium.connector.mysql.MySqlConnector");
        p.setProperty("topic.prefix", TOPIC_PREFIX);
        p.setProperty("offset.storage", AtomicFileOffsetBackingStore.class.getName());
        p.setProperty("offset.storage.file.filename", c.stateDir().resolve("offsets.dat").toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        // Debezium's file history, less the account statements (they hold passwords or hashes; read as events)
        p.setProperty("schema.history.internal", AccountSafeSchemaHistory.class.getName());
        p.setProperty("schema.history.internal.file.filename", historyFile(c).toString());
        p.setProperty("database.hostname", c.host());
        p.setProperty("database.port", Integer.toString(c.port()));
        p.setProperty("database.user", c.user());
        p.setProperty("database.password", c.password().reveal());
        p.setProperty("database.server.id", Long.toString(c.serverId()));
        p.setProperty("database.include.list", Pattern.quote(c.database()));
        p.setProperty("table.include.list", tables.stream()
                .map(t -> quote(c.database()) + "\\." + quote(t.table()))
                .collect(Collectors.joining(",")));
        Map<String, String> operator = c.debezium();
        String columns = columnIncludeList(c.database(), tables);
        if (columns != null && !operator.containsKey("column.include.list")
                && !operator.containsKey("column.exclude.list")) {
            p.setProperty("column.include.list", columns);
        }
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("snapshot.locking.mode", c.snapshotLockingMode());
        // schema changes reach the forwarder: account statements (CREATE USER, GRANT, ...) become events. Debezium's
        // default filter drops them before anything reads them; keep the rest of it.
        p.setProperty("include.schema.changes", "true");
        p.setProperty(io.debezium.relational.history.SchemaHistory.DDL_FILTER.name(), ddlFilterKeepingAccountStatements());
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("bigint.unsigned.handling.mode", "precise");
        // Small batches and a short queue: whenever the forwarder is the slower side the queue is full, and every
        // record in it outlives several young collections. With 8,192 queued records the collector's copying cost
        // more CPU than the rest of the pipeline (docs/performance.md); 2,048 keeps the reader as fast.
        p.setProperty("max.batch.size", Integer.toString(MAX_BATCH));
        p.setProperty("max.queue.size", Integer.toString(MAX_QUEUE));
        // The longest an idle poll waits: the queue the forwarder carries hands records on 50 ms after the first
        // one arrives (io.debezium.connector.base.ChangeEventQueue), so this sets only how often an idle engine wakes.
        p.setProperty("poll.interval.ms", "1000");
        // Heartbeats carry the current binlog position even when the mapped tables are quiet, so the committed
        // position keeps up with a busy server (a restart re-reads less, and purged binlogs bite less).
        p.setProperty("heartbeat.interval.ms", "10000");
        // After a database restart or a network cut the binlog client reconnects on its keep-alive tick:
        // every 5 s instead of the default minute.
        p.setProperty("connect.keep.alive", "true");
        p.setProperty("connect.keep.alive.interval.ms", "5000");
        // A dropped connection must restart the connector task, not stop it. Debezium 3.1-3.5 treat every error
        // as final (their MySQL/MariaDB error handlers pass null to the base check: debezium/dbz#2611, fixed
        // upstream after 3.5.0), so name the communication failures here; a purged binlog (error 1236) is not
        // among them and still stops the forwarder with its own message.
        p.setProperty("internal.custom.retriable.exception", RETRIABLE);
        p.setProperty("errors.max.retries", "-1");
        sslMode(p, c, mariadb);
        operator.forEach(p::setProperty);
        return p;
    }

    /**
     * Debezium's default {@code schema.history.internal.ddl.filter} without its entries for GRANT/REVOKE and
     * CREATE/ALTER/DROP USER|ROLE, taken from the running Debezium so an upgrade's other entries stay.
     */
    static String ddlFilterKeepingAccountStatements() {
        String dflt = io.debezium.relational.history.SchemaHistory.DDL_FILTER.defaultValueAsString();
        return java.util.Arrays.stream(dflt.split(","))
                .filter(r -> !r.contains("GRANT|REVOKE") && !r.contains("(USER|ROLE)"))
                .collect(Collectors.joining(","));
    }

    /** Debezium's schema history under the state directory. */
    static java.nio.file.Path historyFile(AutomateSourceConfig c) {
        return c.stateDir().resolve("schema-history.dat");
    }

    /**
     * Only the columns the mappings read ({@link TableMapping#capturedColumns()}), as Debezium's
     * {@code column.include.list}: the engine then neither converts nor hands over the others (14 of the sample
     * {@code users} table's 23 columns), and values no mapping names never enter the forwarder. A column added
     * later is not captured until a mapping names it. Null (every column) when a column name holds a comma, which
     * the list cannot carry.
     */
    static String columnIncludeList(String database, List<TableMapping> tables) {
        List<String> out = new java.util.ArrayList<>();
        for (TableMapping t : tables) {
            java.util.Set<String> columns = t.capturedColumns();
            if (columns.stream().anyMatch(col -> col.contains(","))) {
                return null;
            }
            if (t.capturesAllColumns()) {
                out.add("(?i)" + quote(database) + "\\." + quote(t.table()) + "\\..*");
                continue;
            }
            // matched as database.table.column, without case as MySQL and MariaDB match column names
            out.add("(?i)" + quote(database) + "\\." + quote(t.table()) + "\\.(" + columns.stream()
                    .map(DebeziumProperties::quote).collect(Collectors.joining("|")) + ")");
        }
        return out.isEmpty() ? null : String.join(",", out);
    }

    private static void sslMode(Properties p, AutomateSourceConfig c, boolean mariadb) {
        if (!mariadb) {
            p.setProperty("database.ssl.mode", c.sslMode());
            return;
        }
        // The MariaDB connector names its modes after the MariaDB driver and has no "preferred".
        switch (c.sslMode()) {
            case "disabled" -> p.setProperty("database.ssl.mode", "disable");
            case "required" -> p.setProperty("database.ssl.mode", "trust");
            case "verify_ca" -> p.setProperty("database.ssl.mode", "verify-ca");
            case "verify_identity" -> p.setProperty("database.ssl.mode", "verify-full");
            default -> { }
        }
    }

    /** A regular expression that matches {@code name} literally, in Debezium's include lists. */
    private static String quote(String name) {
        return name.replaceAll("([\\\\.\\[\\]{}()*+?^$|])", "\\\\$1");
    }
}
