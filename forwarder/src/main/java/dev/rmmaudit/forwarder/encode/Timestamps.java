package dev.rmmaudit.forwarder.encode;

import java.time.Instant;

/**
 * ISO-8601 UTC text of an instant, exactly as {@link Instant#toString} writes it, without a formatter: every
 * event's time is written by each encoder, where {@code DateTimeFormatter} showed in profiles. Instants before
 * 1970 or after 9999 are left to {@link Instant#toString}.
 */
public final class Timestamps {
    private static final long LAST_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    private Timestamps() {
    }

    /** {@code t.toString()}. */
    public static String iso(Instant t) {
        StringBuilder out = new StringBuilder(30);
        iso(t, out);
        return out.toString();
    }

    /** Appends {@code t.toString()}. */
    public static void iso(Instant t, StringBuilder out) {
        write(t, t.getNano(), out);
    }

    /** Appends {@code t.truncatedTo(MILLIS).toString()}: at most three fraction digits. */
    public static void isoMillis(Instant t, StringBuilder out) {
        write(t, t.getNano() - t.getNano() % 1_000_000, out);
    }

    private static void write(Instant t, int nano, StringBuilder out) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds > LAST_SECOND) {
            out.append(Instant.ofEpochSecond(seconds, nano));
            return;
        }
        // days to civil date (H. Hinnant's algorithm), for days from 1970 on
        long z = seconds / 86_400 + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        int secondOfDay = (int) (seconds % 86_400);
        digits(out, year, 4).append('-');
        digits(out, month, 2).append('-');
        digits(out, day, 2).append('T');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2);
        if (nano > 0) {
            out.append('.');
            if (nano % 1_000_000 == 0) {
                digits(out, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(out, nano / 1000, 6);
            } else {
                digits(out, nano, 9);
            }
        }
        out.append('Z');
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int d = width - 1, scale = pow10(d); d >= 0; d--, scale /= 10) {
            out.append((char) ('0' + value / scale % 10));
        }
        return out;
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
