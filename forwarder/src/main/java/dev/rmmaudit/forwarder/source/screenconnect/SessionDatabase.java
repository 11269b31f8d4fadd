package dev.rmmaudit.forwarder.source.screenconnect;

import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * ScreenConnect's {@code Session.db}, read without ever holding the service up: opened read-only (SQLite's
 * write-ahead log lets readers and the writer work at once; a read waits at most a few seconds for a
 * checkpoint), and read in rowid order past a high-water mark.
 */
final class SessionDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDatabase.class);
    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
    static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;
    static final String ROWID = "_rowid_";
    /** Columns the source adds to rows: the rowid, session names, the user's roles, the time in UTC. */
    static final Set<String> ADDED = Set.of(ROWID, "SessionName", "GuestMachineName", "UserRoles", "TimeUtc",
            "ParticipantName", "ParticipantAddress", "ProcessType");

    /** What a table's rows are joined with: nothing, their session, or their connection and its session. */
    enum Join { NONE, SESSION, CONNECTION }

    /** A mapped table as found: its columns, and what can be joined in. */
    record Table(TableMapping mapping, String name, Set<String> columns, Join join) {
    }

    private final Path file;
    private final Connection connection;

    SessionDatabase(Path file) throws SQLException {
        this.file = file;
        if (!Files.isReadable(file)) {
            throw new SQLException("cannot read " + file + " (the ScreenConnect App_Data folder and its Session.db;"
                    + " check source.appData and that the forwarder's account may read it)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(5_000);
        this.connection = config.createConnection("jdbc:sqlite:" + file);
    }

    /**
     * Finds each mapped table and its columns, and logs what it found. Missing tables and columns are warned
     * about; when none of the mapped tables exists the database is not one this source understands and the
     * start fails, naming the tables that look related.
     */
    List<Table> detect(List<TableMapping> mappings) throws SQLException {
        Map<String, String> tables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                tables.put(rs.getString(1), rs.getString(1));
            }
        }
        boolean session = tables.containsKey("Session");
        List<Table> found = new ArrayList<>();
        for (TableMapping m : mappings) {
            String name = tables.get(m.table());
            if (name == null) {
                LOG.warn("{}: no table {} (mapping {}); its events will not be forwarded", file, m.table(), m.source());
                continue;
            }
            Set<String> columns = columns(name);
            List<String> missing = m.mappedColumns().stream().filter(c -> ADDED.stream().noneMatch(c::equalsIgnoreCase)
                    && columns.stream().noneMatch(c::equalsIgnoreCase)).toList();
            Join join = Join.NONE;
            if (session && has(columns, "SessionID") && !name.equalsIgnoreCase("Session")) {
                join = Join.SESSION;
            } else if (session && tables.containsKey("SessionConnection") && has(columns, "ConnectionID")
                    && !name.equalsIgnoreCase("SessionConnection")) {
                join = Join.CONNECTION;
            }
            LOG.info("{}: reading table {} (columns {}){}", file, name, columns, switch (join) {
                case SESSION -> " with session names";
                case CONNECTION -> " with participants and session names";
                default -> "";
            });
            if (!missing.isEmpty()) {
                LOG.warn("{}: table {} has no column {} named in {}; events that need it will not fire", file, name,
                        missing, m.source());
            }
            found.add(new Table(m, name, columns, join));
        }
        if (found.isEmpty()) {
            List<String> related = tables.keySet().stream().filter(t -> t.toLowerCase(Locale.ROOT)
                    .matches(".*(security|login|audit|event|session).*")).toList();
            throw new SQLException(file + " has none of the mapped tables " + mappings.stream().map(
                    TableMapping::table).toList() + "; tables that look related: " + (related.isEmpty() ? "none"
                    : related) + ". Is this ScreenConnect's Session.db? If your version names them differently, "
                    + "correct 'table:' in a copy of mappings/screenconnect/*.yml under your mappings directory.");
        }
        return found;
    }

    private static boolean has(Set<String> columns, String column) {
        return columns.stream().anyMatch(column::equalsIgnoreCase);
    }

    private Set<String> columns(String table) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name"));
            }
        }
        return out;
    }

    /** The largest rowid in {@code t}, or 0 when it is empty. */
    long maxRowid(Table t) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(rowid), 0) FROM " + quote(t.name()))) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Up to {@code limit} rows after {@code afterRowid}, oldest first, each with its rowid under
     * {@value #ROWID}; session tables also get {@code SessionName} and {@code GuestMachineName}.
     */
    List<Map<String, Object>> rowsAfter(Table t, long afterRowid, int limit) throws SQLException {
        String sql = "SELECT t.rowid AS " + ROWID + ", t.*" + switch (t.join()) {
            case SESSION -> ", s.Name AS SessionName, s.GuestMachineName AS GuestMachineName"
                    + " FROM " + quote(t.name()) + " t LEFT JOIN Session s ON s.SessionID = t.SessionID";
            case CONNECTION -> ", c.ParticipantName AS ParticipantName, c.NetworkAddress AS ParticipantAddress,"
                    + " c.ProcessType AS ProcessType, s.Name AS SessionName, s.GuestMachineName AS GuestMachineName"
                    + " FROM " + quote(t.name()) + " t LEFT JOIN SessionConnection c ON c.ConnectionID = t.ConnectionID"
                    + " LEFT JOIN Session s ON s.SessionID = c.SessionID";
            default -> " FROM " + quote(t.name()) + " t";
        } + " WHERE t.rowid > ? ORDER BY t.rowid LIMIT ?";
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, afterRowid);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof byte[] b ? bytes(b) : v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** A 16-byte .NET GUID (little-endian first three groups) as text; other bytes as hex. */
    static String bytes(byte[] b) {
        if (b.length != 16) {
            return java.util.HexFormat.of().formatHex(b);
        }
        StringBuilder s = new StringBuilder(36);
        int[] order = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
        for (int i : order) {
            if (i < 0) {
                s.append('-');
            } else {
                s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
            }
        }
        return s.toString();
    }

    /** A time column's value: .NET ticks (UTC), a Unix time in seconds or milliseconds, or ISO text. */
    static Instant time(Object v) {
        if (v instanceof Number n) {
            long x = n.longValue();
            if (x > 100_000_000_000_000_000L) {
                long sinceEpoch = x - TICKS_AT_EPOCH;
                return Instant.ofEpochSecond(Math.floorDiv(sinceEpoch, 10_000_000L),
                        Math.floorMod(sinceEpoch, 10_000_000L) * 100);
            }
            return x > 100_000_000_000L ? Instant.ofEpochMilli(x) : Instant.ofEpochSecond(x);
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$") ? s : s + "Z");
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing {}: {}", file, e.getMessage());
        }
    }
}
