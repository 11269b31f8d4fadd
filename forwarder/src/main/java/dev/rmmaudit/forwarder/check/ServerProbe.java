package dev.rmmaudit.forwarder.check;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.source.automate.ReadOnlyConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@link ServerFacts} from the Automate database with the forwarder's own account: version, variables,
 * grants, tables and columns. Read-only: it selects and shows, nothing else.
 */
final class ServerProbe {
    private ServerProbe() {
    }

    static ServerFacts read(AutomateSourceConfig c) throws SQLException {
        try (Connection conn = ReadOnlyConnection.open(c, false);
             Statement st = conn.createStatement()) {
            String version = one(st, "SELECT VERSION()");
            String account = one(st, "SELECT CURRENT_USER()");
            Map<String, String> vars = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES")) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(Locale.ROOT);
                    if (DatabaseChecks.VARIABLES.contains(name)) {
                        vars.put(name, rs.getString(2));
                    }
                }
            }
            List<String> grants = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
                while (rs.next()) {
                    grants.add(rs.getString(1));
                }
            }
            Map<String, Set<String>> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            try (PreparedStatement ps = conn.prepareStatement("SELECT TABLE_NAME, COLUMN_NAME FROM"
                    + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
                ps.setString(1, c.database());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.computeIfAbsent(rs.getString(1), t -> new TreeSet<>(String.CASE_INSENSITIVE_ORDER))
                                .add(rs.getString(2));
                    }
                }
            }
            return new ServerFacts(version, Map.copyOf(vars), List.copyOf(grants), account, columns);
        }
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A failed connection as a check, with what to do about the usual causes. */
    static CheckResult connectionFailed(AutomateSourceConfig c, SQLException e) {
        String where = c.user() + "@" + c.host() + ":" + c.port();
        String remedy = switch (e.getErrorCode()) {
            case 1045 -> "check source.user and the password (the environment variable the configuration names), and"
                    + " that the account's host part matches the forwarder's address";
            case 1044, 1049 -> "check source.database (the Automate schema is usually labtech)";
            case 1130 -> "the server refuses this host: create the account for the forwarder's address";
            default -> "check source.host and source.port, that the server runs and that a firewall lets this machine"
                    + " reach it";
        };
        String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return CheckResult.fail("database connection", "cannot connect as " + where + ": " + message, remedy);
    }
}
