package dev.rmmaudit.forwarder.discover;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.automate.ReadOnlyConnection;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the Automate schema with the forwarder's account (read-only: {@code information_schema}, and rows only
 * with {@code --sample}), lists the tables that look like logins, audit or security with their columns, types and
 * estimated rows, marks those the loaded mappings cover, and writes a mapping skeleton for each of the others.
 */
public final class Discovery {
    private final AutomateSourceConfig source;
    private final Set<String> covered = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    public Discovery(AutomateSourceConfig source, List<TableMapping> mappings) {
        this.source = source;
        mappings.forEach(m -> covered.add(m.table()));
    }

    /** A table found and why, and whether a mapping covers it. */
    public record Found(TableInfo table, List<String> reasons, boolean covered) {
    }

    /** Reads the schema; the candidates first, in name order, then the covered tables that are no candidates. */
    public List<Found> run() throws SQLException {
        try (Connection c = connect()) {
            List<Found> out = new ArrayList<>();
            for (TableInfo t : tables(c)) {
                List<String> why = Candidates.reasons(t);
                boolean isCovered = covered.contains(t.name());
                if (!why.isEmpty() || isCovered) {
                    out.add(new Found(t, why, isCovered));
                }
            }
            return out;
        }
    }

    private Connection connect() throws SQLException {
        return ReadOnlyConnection.open(source, true);
    }

    private List<TableInfo> tables(Connection c) throws SQLException {
        Map<String, Long> rows = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0) FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'")) {
            ps.setString(1, source.database());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        Map<String, List<TableInfo.Column>> columns = new LinkedHashMap<>();
        Map<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
            ps.setString(1, source.database());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(new TableInfo.Column(
                            rs.getString(2), rs.getString(3)));
                    if ("PRI".equals(rs.getString(4))) {
                        keys.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
        }
        List<TableInfo> out = new ArrayList<>();
        rows.forEach((name, n) -> {
            if (columns.containsKey(name)) {
                out.add(new TableInfo(name, List.copyOf(columns.get(name)), keys.getOrDefault(name, List.of()), n));
            }
        });
        return out;
    }

    /** Up to {@code n} rows of {@code table}, newest first by its key, secret-looking columns redacted. */
    public List<Map<String, String>> sample(TableInfo table, int n) throws SQLException {
        String order = table.primaryKey().isEmpty() ? "" : " ORDER BY " + quote(table.primaryKey().get(0)) + " DESC";
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.setMaxRows(n);
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + quote(table.name()) + order + " LIMIT " + n)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String col = md.getColumnLabel(i);
                        String v = rs.getString(i);
                        row.put(col, Candidates.isSecret(col) ? (v == null ? null : "[redacted]") : shorten(v));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static String shorten(String v) {
        return v == null || v.length() <= 80 ? v : v.substring(0, 80) + "…";
    }

    /** Writes {@code DIR/automate/<table>.yml} for each candidate no mapping covers; returns the files written. */
    public List<Path> writeSkeletons(List<Found> found, Path dir) throws IOException {
        Path module = dir.resolve("automate");
        Files.createDirectories(module);
        List<Path> written = new ArrayList<>();
        for (Found f : found) {
            if (!f.covered() && !f.reasons().isEmpty()) {
                Path file = module.resolve(f.table().name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
                        + ".yml");
                Files.writeString(file, Skeleton.of(f.table(), source.database()));
                written.add(file);
            }
        }
        return written;
    }

    /** The list for people: each table, why, its columns, estimated rows, and whether a mapping covers it. */
    public static void print(List<Found> found, PrintStream out) {
        long candidates = found.stream().filter(f -> !f.covered()).count();
        for (Found f : found) {
            TableInfo t = f.table();
            out.printf("%s %s (~%d rows)%s%n", f.covered() ? "covered  " : "candidate", t.name(), t.estimatedRows(),
                    f.reasons().isEmpty() ? "" : ": " + String.join("; ", f.reasons()));
            for (TableInfo.Column c : t.columns()) {
                out.printf("    %-28s %s%s%n", c.name(), c.type(), Candidates.isSecret(c.name()) ? "  (secret-looking)"
                        : "");
            }
        }
        out.printf("%d tables a mapping covers, %d candidates without one%n", found.size() - candidates, candidates);
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
