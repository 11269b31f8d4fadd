package dev.rmmaudit.forwarder.sink.syslog;

import dev.rmmaudit.forwarder.encode.Timestamps;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Wraps an encoded event in a syslog header: RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG})
 * or the legacy RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOST TAG: MSG}). Header fields are cut to their
 * limits and reduced to printable ASCII; {@code -} stands for an empty one. Times are UTC.
 */
final class SyslogFormatter {
    private static final DateTimeFormatter RFC3164_TIME =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final boolean rfc5424;
    private final int facility;
    private final String hostname;
    private final String appName;
    private final String procId;

    SyslogFormatter(String rfc, int facility, String hostname, String appName, String procId) {
        this.rfc5424 = !"3164".equals(rfc);
        this.facility = facility;
        this.hostname = headerField(hostname, 255);
        this.appName = rfc5424 ? headerField(appName, 48) : tag(appName);
        this.procId = headerField(procId, 128);
    }

    /** Appends the header of {@code e}'s message, up to and including the space before the message itself. */
    void header(SecurityEvent e, StringBuilder out) {
        int pri = facility * 8 + severity(e.severity());
        out.append('<').append(pri).append('>');
        if (rfc5424) {
            out.append("1 ");
            Timestamps.isoMillis(e.time(), out);
            out.append(' ').append(hostname).append(' ').append(appName).append(' ').append(procId).append(' ');
            appendHeaderField(out, e.action(), 32);
            out.append(" - ");
        } else {
            RFC3164_TIME.formatTo(e.time(), out);
            out.append(' ').append(hostname).append(' ').append(appName).append(": ");
        }
    }

    /** Syslog severity for a CEF-style severity: 9-10 critical, 7-8 error, 4-6 warning, 1-3 notice, 0 info. */
    static int severity(int eventSeverity) {
        if (eventSeverity >= 9) {
            return 2;
        }
        if (eventSeverity >= 7) {
            return 3;
        }
        if (eventSeverity >= 4) {
            return 4;
        }
        return eventSeverity >= 1 ? 5 : 6;
    }

    /** Printable ASCII without spaces, at most {@code max} characters; {@code -} when nothing is left. */
    static String headerField(String value, int max) {
        return appendHeaderField(new StringBuilder(), value, max).toString();
    }

    private static StringBuilder appendHeaderField(StringBuilder out, String value, int max) {
        int start = out.length();
        for (int i = 0; value != null && i < value.length() && out.length() - start < max; i++) {
            char c = value.charAt(i);
            if (c > 32 && c < 127) {
                out.append(c);
            }
        }
        return out.length() == start ? out.append('-') : out;
    }

    private static String tag(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; value != null && i < value.length() && b.length() < 32; i++) {
            char c = value.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 127) {
                b.append(c);
            }
        }
        return b.length() == 0 ? "forwarder" : b.toString();
    }
}
