package dev.rmmaudit.forwarder.source.automate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the current users and user classes into the {@link AutomateDirectory} with one consistent read
 * (a repeatable-read snapshot), and checks that the mapped tables have the columns the mappings name.
 * Secret columns are never selected.
 */
public final class DirectoryLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryLoader.class);

    private final HikariDataSource pool;
    private final String database;

    public DirectoryLoader(AutomateSourceConfig c) {
        this(c.host(), c.port(), c.user(), c.password(), c.database(), c.sslMode());
    }

    /** A loader for the database {@code database} on {@code host}; {@code sslMode} as the source's setting. */
    public DirectoryLoader(String host, int port, String user, Secret password, String database, String sslMode) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:mysql://" + host + ":" + port + "/" + database
                + "?sslMode=" + sslMode.toUpperCase(Locale.ROOT)
                + "&allowPublicKeyRetrieval=true&connectTimeout=10000&socketTimeout=60000");
        hc.setUsername(user);
        hc.setPassword(password.reveal());
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(0);
        hc.setPoolName("automate-directory");
        hc.setInitializationFailTimeout(-1);
        hc.setConnectionTimeout(10000);
        this.pool = new HikariDataSource(hc);
        this.database = database;
    }

    /** Fills {@code directory} from the database; returns warnings about mapped columns that do not exist. */
    public List<String> load(Mappings mappings, AutomateDirectory directory) throws SQLException {
        List<String> warnings = new ArrayList<>();
        try (Connection conn = pool.getConnection()) {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = conn.createStatement()) {
                st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                for (TableMapping m : AutomateSource.realTables(mappings.forModule("automate"))) {
                    TreeSet<String> columns = columns(st, m.table());
                    if (columns == null) {
                        warnings.add("mapped table " + database + "." + m.table() + " does not exist (" + m.source()
                                + "); its events will not appear");
                        continue;
                    }
                    warnings.addAll(missingColumns(m, columns));
                    if (m.role().equals("users")) {
                        loadUsers(st, m, columns, directory);
                    } else if (m.role().equals("userclasses")) {
                        loadClasses(st, m, columns, directory);
                    }
                }
            }
            conn.commit();
        }
        warnings.forEach(w -> LOG.warn("{}", w));
        LOG.info("user directory loaded: {} users, {} user classes", directory.userCount(), directory.classCount());
        return warnings;
    }

    /**
     * A warning for each column the mapping reads ({@link TableMapping#mappedColumns()}) that the table lacks: a
     * renamed {@code Password} column would otherwise silence its event unseen.
     */
    static List<String> missingColumns(TableMapping m, java.util.Set<String> columns) {
        List<String> out = new ArrayList<>();
        for (String column : m.mappedColumns()) {
            if (!columns.contains(column)) {
                String logical = m.columns().entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(column))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
                out.add("table " + m.table() + " has no column " + column + (logical != null ? " (logical '"
                        + logical + "' in " : " (named in ") + m.source() + "); events that need it will not fire");
            }
        }
        return out;
    }

    private TreeSet<String> columns(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + quote(table) + " WHERE 1=0")) {
            ResultSetMetaData md = rs.getMetaData();
            TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i));
            }
            return out;
        } catch (SQLException e) {
            if ("42S02".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Every row of {@code table}, with those of {@code columns} the table has (the others are left out); an empty
     * list when the table does not exist. One read, for the inventory.
     */
    public List<java.util.Map<String, Object>> rows(String table, java.util.Collection<String> columns)
            throws SQLException {
        List<java.util.Map<String, Object>> out = new ArrayList<>();
        try (Connection conn = pool.getConnection(); Statement st = conn.createStatement()) {
            TreeSet<String> have = columns(st, table);
            if (have == null) {
                return out;
            }
            List<String> wanted = columns.stream().filter(have::contains).distinct().toList();
            if (wanted.isEmpty()) {
                return out;
            }
            String sql = "SELECT " + String.join(", ", wanted.stream().map(DirectoryLoader::quote).toList()) + " FROM "
                    + quote(table);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    java.util.Map<String, Object> row = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (int i = 0; i < wanted.size(); i++) {
                        row.put(wanted.get(i), rs.getObject(i + 1));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static void loadUsers(Statement st, TableMapping m, TreeSet<String> cols, AutomateDirectory d)
            throws SQLException {
        String email = m.columns().containsKey("email") && cols.contains(m.column("email")) ? m.column("email") : null;
        String sql = "SELECT " + quote(m.key()) + ", " + quote(m.column("name")) + ", " + quote(m.column("classes"))
                + (email == null ? "" : ", " + quote(email)) + " FROM " + quote(m.table());
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String id = rs.getString(1);
                d.putUser(new AutomateDirectory.User(id, rs.getString(2), email == null ? null : rs.getString(4),
                        listOf(rs.getString(3))));
            }
        }
    }

    private static void loadClasses(Statement st, TableMapping m, TreeSet<String> cols, AutomateDirectory d)
            throws SQLException {
        String sql = "SELECT " + quote(m.key()) + ", " + quote(m.column("name")) + ", "
                + quote(m.column("permissions")) + " FROM " + quote(m.table());
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                java.math.BigDecimal perms = rs.getBigDecimal(3);
                d.putClass(new AutomateDirectory.UserClass(rs.getString(1), rs.getString(2),
                        perms == null ? 0 : perms.toBigInteger().longValue()));
            }
        }
    }

    private static List<String> listOf(String commaList) {
        List<String> out = new ArrayList<>();
        if (commaList != null) {
            for (String p : commaList.split(",")) {
                if (!p.isBlank() && !out.contains(p.trim())) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public void close() {
        pool.close();
    }
}
