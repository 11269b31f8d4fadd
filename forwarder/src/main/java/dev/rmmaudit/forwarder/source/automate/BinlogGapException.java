package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import java.util.List;
import java.util.Locale;

/**
 * The binlog position the forwarder stored is gone from the server: the files holding it were purged
 * ({@code binlog_expire_logs_seconds}, {@code expire_logs_days}, {@code PURGE BINARY LOGS}) while it was not
 * reading. What was written in between cannot be forwarded; the message says so and how to carry on.
 */
public final class BinlogGapException extends AutomateSource.SourceException {
    /** What MySQL, MariaDB and Debezium say when the position is gone (error 1236 and Debezium's own check). */
    private static final List<String> SIGNS = List.of(
            "have been purged",                              // MariaDB, GTID position
            "has purged binary logs",                        // MySQL, GTID auto-position
            "could not find first log file name in binary log index file", // file and position
            "is no longer available on the server");         // Debezium's check before streaming

    BinlogGapException(AutomateSourceConfig config, String serverMessage, Throwable cause) {
        super("the binlog position stored in " + config.stateDir() + " is no longer on the database server "
                + config.host() + ":" + config.port() + ": the binlog files holding it were purged "
                + "(binlog_expire_logs_seconds / expire_logs_days) while the forwarder was not reading, so the "
                + "changes written in that gap cannot be forwarded. To carry on from the current position, run once "
                + "with --resnapshot (the SIEM gets an alert that records the reset); to avoid this, keep binlogs "
                + "longer than the longest time the forwarder may be down. The server said: " + serverMessage, cause);
    }

    /** Whether {@code error}, or anything that caused it, says the stored binlog position is gone. */
    static boolean isGap(Throwable error) {
        return serverMessage(error) != null;
    }

    /** The message in {@code error}'s causes that says the position is gone, or null. */
    static String serverMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            String lower = m.toLowerCase(Locale.ROOT);
            if (SIGNS.stream().anyMatch(lower::contains)) {
                return m;
            }
        }
        return null;
    }
}
