package dev.rmmaudit.forwarder.demo;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Puts the sample Automate schema and its users into a database, and creates the least-privileged account
 * the forwarder needs (the grants the README lists).
 */
public final class AutomateSample {
    /** The grants the forwarder needs: read the tables, follow the binlog. */
    public static final String GRANTS = "SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT";

    private AutomateSample() {
    }

    /** Creates {@code database} with the sample schema and seed rows. */
    public static void load(ThrowawayDatabase db, String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.rootUser(), db.rootPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4");
            st.execute("USE `" + database + "`");
            SqlScript.resource("samples/automate/schema.sql").run(c);
            SqlScript.resource("samples/automate/seed.sql").run(c);
        }
    }

    /** Creates a forwarder account with {@link #GRANTS}; returns its random password. */
    public static String createForwarderUser(ThrowawayDatabase db, String user) throws SQLException {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        String password = "Fw1-" + HexFormat.of().formatHex(b);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.rootUser(), db.rootPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            st.execute("GRANT " + GRANTS + " ON *.* TO '" + user + "'@'%'");
        }
        return password;
    }

    /** A login with a wrong password, as a password guesser would try it; refused. */
    public static void tryWrongPassword(ThrowawayDatabase db, String user) {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://" + db.host() + ":" + db.port()
                + "/?sslMode=DISABLED&connectTimeout=5000", user, "guess-" + new SecureRandom().nextInt(1000))) {
            throw new IllegalStateException("the server let a wrong password in");
        } catch (SQLException refused) {
            // what a guesser gets: the server logs it
        }
    }

    /** A root connection to {@code database}. */
    public static Connection connect(ThrowawayDatabase db, String database) throws SQLException {
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.rootUser(), db.rootPassword());
        try (Statement st = c.createStatement()) {
            st.execute("USE `" + database + "`");
        }
        return c;
    }
}
