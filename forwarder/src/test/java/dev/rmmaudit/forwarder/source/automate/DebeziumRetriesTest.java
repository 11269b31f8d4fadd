package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import io.debezium.DebeziumException;
import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.MariaDbErrorHandler;
import io.debezium.connector.mysql.MySqlConnectorConfig;
import io.debezium.connector.mysql.MySqlErrorHandler;
import io.debezium.pipeline.ErrorHandler;
import java.io.EOFException;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Asks Debezium's own error handlers, configured with our properties, which failures restart the connector
 * task: a dropped connection must, a purged binlog must not.
 */
class DebeziumRetriesTest {
    private static ErrorHandler handler(String flavor) {
        AutomateSourceConfig c = new AutomateSourceConfig(flavor, "db", 3306, "fwd", new Secret("pw"), "labtech", 1,
                Path.of("state"), "disabled", "none", Map.of());
        Configuration config = Configuration.from(DebeziumProperties.of(c, List.of()));
        return flavor.equals("mariadb")
                ? new MariaDbErrorHandler(new MariaDbConnectorConfig(config), null, null)
                : new MySqlErrorHandler(new MySqlConnectorConfig(config), null, null);
    }

    /** What {@code ErrorHandler.setProducerThrowable} decides: retriable by type or by configured message. */
    private static boolean restarts(ErrorHandler h, Throwable t) throws Exception {
        Method byType = ErrorHandler.class.getDeclaredMethod("isRetriable", Throwable.class);
        Method byMessage = ErrorHandler.class.getDeclaredMethod("isCustomRetriable", Throwable.class);
        byType.setAccessible(true);
        byMessage.setAccessible(true);
        return (boolean) byType.invoke(h, t) || (boolean) byMessage.invoke(h, t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void errorHandler_droppedConnection_restartsTheTask(String flavor) throws Exception {
        ErrorHandler h = handler(flavor);
        assertTrue(restarts(h, new DebeziumException("Connection reset", new SocketException("Connection reset"))));
        assertTrue(restarts(h, new DebeziumException(new EOFException("Failed to read next byte from position 9326"))));
        assertTrue(restarts(h, new DebeziumException("Unable to connect to the database at db:3306",
                new SocketException("Connection refused"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void errorHandler_purgedBinlog_stopsTheTask(String flavor) throws Exception {
        ErrorHandler h = handler(flavor);
        assertFalse(restarts(h, new DebeziumException("Could not find GTID state requested by slave in any binlog "
                + "files. Probably the slave state is too old and required binlog files have been purged. Error code: "
                + "1236; SQLSTATE: HY000.")));
        assertFalse(restarts(h, new DebeziumException("Could not find first log file name in binary log index file "
                + "Error code: 1236; SQLSTATE: HY000.")));
    }
}
