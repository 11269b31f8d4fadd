package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/** A read-only JDBC connection with the source's account and TLS settings ({@code check}, {@code discover}). */
public final class ReadOnlyConnection {
    private ReadOnlyConnection() {
    }

    /** Connected to the source's database, or to none with {@code toDatabase} false. */
    public static Connection open(AutomateSourceConfig c, boolean toDatabase) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password() == null ? "" : c.password().reveal());
        p.setProperty("sslMode", c.sslMode().toUpperCase(Locale.ROOT));
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("connectTimeout", "10000");
        p.setProperty("socketTimeout", "60000");
        Connection conn = DriverManager.getConnection("jdbc:mysql://" + c.host() + ":" + c.port() + "/"
                + (toDatabase ? c.database() : ""), p);
        conn.setReadOnly(true);
        return conn;
    }
}
