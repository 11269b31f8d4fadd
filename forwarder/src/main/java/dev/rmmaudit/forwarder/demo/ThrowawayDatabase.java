package dev.rmmaudit.forwarder.demo;

/** A database server started for a demo or a test and removed by {@link #close()}. */
public interface ThrowawayDatabase extends AutoCloseable {
    String host();

    int port();

    /** {@code mysql} or {@code mariadb}: decides the Debezium connector. */
    String flavor();

    String rootUser();

    String rootPassword();

    /** A JDBC URL for the root user, without a database. */
    default String jdbcUrl() {
        return "jdbc:mysql://" + host() + ":" + port() + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true"
                + "&allowMultiQueries=true";
    }

    @Override
    void close();
}
