package dev.rmmaudit.forwarder.config;

import java.util.List;
import java.util.Locale;

/** Syslog facility names and numbers (RFC 5424 table 1). */
final class Facility {
    private static final List<String> NAMES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");

    private Facility() {
    }

    /** The facility number; the default is {@code authpriv} (10), where security messages belong. */
    static int read(ConfigNode n) {
        String text = n.text();
        if (text == null) {
            return 10;
        }
        int i = NAMES.indexOf(text.trim().toLowerCase(Locale.ROOT));
        if (i < 0) {
            n.problem("must be one of " + String.join(", ", NAMES) + ", not '" + text + "'");
            return 10;
        }
        return i;
    }
}
