package dev.rmmaudit.forwarder.source.screenconnect;

import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mapped table as found in one of the databases: its columns, the column that identifies a row for good
 * ({@code key}: ScreenConnect's {@code EventID} GUID, or null where the table has none and the rowid stands in),
 * and the query that reads its new rows with what can be joined in: the session's name and guest machine by
 * {@code SessionID}, the connection's participant, address and process type by {@code ConnectionID}.
 */
record SourceTable(TableMapping mapping, SqliteFile db, String name, Set<String> columns, String key,
        String select) {
    static final String ROWID = "_rowid_";

    /** Where a position is kept and an event's origin names it: {@code Security.db:SecurityEvent}. */
    String id() {
        return db.name() + ":" + name;
    }

    static SourceTable of(TableMapping m, SqliteFile db, String name, Map<String, String> tables)
            throws SQLException {
        Set<String> columns = db.columns(name);
        String key = columns.stream().filter(c -> c.equalsIgnoreCase(m.key())).findFirst().orElse(null);
        StringBuilder extra = new StringBuilder();
        StringBuilder joins = new StringBuilder();
        String session = tables.get("Session");
        String connection = tables.get("SessionConnection");
        String sessionId = null;
        if (session != null && has(columns, "SessionID") && !name.equalsIgnoreCase(session)) {
            sessionId = "t.SessionID";
        }
        if (connection != null && has(columns, "ConnectionID") && !name.equalsIgnoreCase(connection)) {
            Set<String> c = db.columns(connection);
            joins.append(" LEFT JOIN ").append(SqliteFile.quote(connection)).append(" c ON c.ConnectionID = t.ConnectionID");
            pick(extra, c, "c", "ParticipantName", "ParticipantName");
            pick(extra, c, "c", "NetworkAddress", "ParticipantAddress");
            pick(extra, c, "c", "ProcessType", "ProcessType");
            if (sessionId == null && has(c, "SessionID")) {
                sessionId = "c.SessionID";
            }
        }
        if (sessionId != null) {
            Set<String> s = db.columns(session);
            joins.append(" LEFT JOIN ").append(SqliteFile.quote(session)).append(" s ON s.SessionID = ").append(sessionId);
            pick(extra, s, "s", "Name", "SessionName");
            pick(extra, s, "s", "GuestMachineName", "GuestMachineName");
        }
        String select = "SELECT t.rowid AS " + ROWID + ", t.*" + extra + " FROM " + SqliteFile.quote(name) + " t"
                + joins;
        return new SourceTable(m, db, name, columns, key, select);
    }

    /** What the joins add ({@code with participants and session names}), for the start-up log. */
    String joined() {
        boolean participants = select.contains(" c ON ");
        boolean sessions = select.contains(" s ON ");
        return participants ? " with participants and session names" : sessions ? " with session names" : "";
    }

    private static void pick(StringBuilder extra, Set<String> columns, String alias, String column, String as) {
        columns.stream().filter(column::equalsIgnoreCase).findFirst().ifPresent(c -> extra.append(", ").append(alias)
                .append('.').append(SqliteFile.quote(c)).append(" AS ").append(as));
    }

    static boolean has(Set<String> columns, String column) {
        return columns.stream().anyMatch(column::equalsIgnoreCase);
    }

    /** Up to {@code limit} rows after {@code afterRowid}, in rowid (insertion) order, each with its rowid. */
    List<Map<String, Object>> rowsAfter(long afterRowid, int limit) throws SQLException {
        return db.query(select + " WHERE t.rowid > ? ORDER BY t.rowid LIMIT ?", afterRowid, limit);
    }

    /** The largest rowid, or 0 when the table is empty. */
    long maxRowid() throws SQLException {
        return db.number("SELECT COALESCE(MAX(rowid), 0) FROM " + SqliteFile.quote(name));
    }

    /** The key of the row at {@code rowid}, or null when there is none (or no key column). */
    String keyAt(long rowid) throws SQLException {
        if (key == null) {
            return null;
        }
        List<Map<String, Object>> r = db.query("SELECT " + SqliteFile.quote(key) + " FROM " + SqliteFile.quote(name)
                + " WHERE rowid = ?", rowid);
        return r.isEmpty() ? null : String.valueOf(r.get(0).values().iterator().next());
    }

    /** The rowid of the row whose key is {@code value} (as the source shows it: a GUID as text), or -1. */
    long rowidOf(String value) throws SQLException {
        if (key == null) {
            return -1;
        }
        byte[] guid = SqliteValues.guidBytes(value);
        List<Map<String, Object>> r = db.query("SELECT rowid AS " + ROWID + " FROM " + SqliteFile.quote(name)
                + " WHERE " + SqliteFile.quote(key) + " IN (?, ?) LIMIT 1", guid != null ? guid : value, value);
        return r.isEmpty() ? -1 : ((Number) r.get(0).get(ROWID)).longValue();
    }

    /** The rows in {@code [from, to]} by rowid: their rowid and key (deletion checks). */
    List<Map<String, Object>> keysBetween(long from, long to) throws SQLException {
        String k = key == null ? "rowid" : SqliteFile.quote(key);
        return db.query("SELECT rowid AS " + ROWID + ", " + k + " AS k FROM " + SqliteFile.quote(name)
                + " WHERE rowid BETWEEN ? AND ? ORDER BY rowid", from, to);
    }

    /** How many rows lie in {@code [from, to]} by rowid. */
    long countBetween(long from, long to) throws SQLException {
        return db.number("SELECT COUNT(*) FROM " + SqliteFile.quote(name) + " WHERE rowid BETWEEN ? AND ?", from, to);
    }
}
