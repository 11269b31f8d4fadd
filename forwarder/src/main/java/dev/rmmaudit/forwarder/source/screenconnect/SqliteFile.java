package dev.rmmaudit.forwarder.source.screenconnect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of ScreenConnect's SQLite databases ({@code Session.db}, {@code Security.db}), read without ever holding
 * the service up: opened read-only (SQLite's write-ahead log lets readers and the writer work at once; a read
 * waits at most a few seconds for a checkpoint). Blobs are read as {@link SqliteValues#blob} shows them.
 */
final class SqliteFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteFile.class);

    private final Path file;
    private Connection connection;
    private boolean immutable;
    private java.nio.file.attribute.FileTime modified;

    SqliteFile(Path file) throws SQLException {
        this.file = file;
        connect();
        if (immutable) {
            LOG.info("{}: no write-ahead log beside it and no right to create one (the service is stopped): read as"
                    + " it lies on disk, and opened again when the service writes", file);
        }
    }

    private void connect() throws SQLException {
        ReadOnlyAccess.Opened o = ReadOnlyAccess.open(file);
        connection = o.connection();
        immutable = o.immutable();
        modified = lastModified();
    }

    private java.nio.file.attribute.FileTime lastModified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Opens the file again when it was opened as immutable (the service was stopped) and the service has written
     * since: its write-ahead log appeared, or the file changed. A normal connection sees every change by itself.
     */
    void refresh() throws SQLException {
        if (!immutable || (!Files.exists(ReadOnlyAccess.sibling(file, "-wal"))
                && java.util.Objects.equals(modified, lastModified()))) {
            return;
        }
        close();
        connect();
        LOG.info("{} changed while opened as it lay on disk (immutable); opened again{}", file,
                immutable ? "" : " with its write-ahead log");
    }

    Path file() {
        return file;
    }

    /** The file's name, as events and positions name it ({@code Session.db}). */
    String name() {
        return file.getFileName().toString();
    }

    /** Its tables, by name without case. */
    Map<String, String> tables() throws SQLException {
        Map<String, String> tables = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                tables.put(rs.getString(1), rs.getString(1));
            }
        }
        return tables;
    }

    /** A table's columns, in their order. */
    Set<String> columns(String table) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name"));
            }
        }
        return out;
    }

    /** The rows of {@code sql} with {@code params} bound in order, each a map by column label. */
    List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        String label = md.getColumnLabel(i);
                        row.put(label, v instanceof byte[] b ? SqliteValues.blob(label, b) : v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** One number ({@code SELECT COUNT(*) ...}), 0 when the query gives no row or null. */
    long number(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static String quote(String identifier) {
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
