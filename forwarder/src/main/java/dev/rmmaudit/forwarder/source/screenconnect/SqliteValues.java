package dev.rmmaudit.forwarder.source.screenconnect;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Values as ScreenConnect stores them in SQLite, turned into what a SOC reads: 16-byte .NET GUIDs as text, raw 4-
 * or 16-byte network addresses as IPv4/IPv6 text, and times that are .NET ticks (UTC) or, in upgraded databases,
 * text such as {@code 2024-02-27 22:35:30.2995028Z}.
 */
final class SqliteValues {
    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
    static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    private SqliteValues() {
    }

    /**
     * A blob of column {@code column}: an address column ({@code NetworkAddress}, {@code ...Address}) of 4 or 16
     * bytes as an IP address, any other 16 bytes as a .NET GUID, anything else as hex.
     */
    static String blob(String column, byte[] b) {
        if ((b.length == 4 || b.length == 16) && column.toLowerCase(Locale.ROOT).endsWith("address")) {
            return ip(b);
        }
        return b.length == 16 ? guid(b) : HexFormat.of().formatHex(b);
    }

    /** A raw IPv4 or IPv6 address as text; IPv6 compressed as RFC 5952 writes it, IPv4-mapped as IPv4. */
    static String ip(byte[] b) {
        InetAddress a;
        try {
            a = InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return HexFormat.of().formatHex(b);
        }
        if (a instanceof java.net.Inet4Address) {
            return a.getHostAddress();
        }
        return compress(b);
    }

    private static String compress(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /** A 16-byte .NET GUID (little-endian first three groups) as text. */
    static String guid(byte[] b) {
        StringBuilder s = new StringBuilder(36);
        int[] order = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
        for (int i : order) {
            if (i < 0) {
                s.append('-');
            } else {
                s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
            }
        }
        return s.toString();
    }

    /** The 16 bytes of a .NET GUID written as text, or null when {@code text} is not one. */
    static byte[] guidBytes(String text) {
        if (text == null || !text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            return null;
        }
        byte[] plain = HexFormat.of().parseHex(text.replace("-", ""));
        byte[] b = new byte[16];
        int[] order = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        for (int i = 0; i < 16; i++) {
            b[order[i]] = plain[i];
        }
        return b;
    }

    /**
     * A time column's value: .NET ticks (UTC), a Unix time in seconds or milliseconds, or text (ISO 8601, with a
     * space or a {@code T}, up to 7 fraction digits; no zone means UTC); null when it is none of these.
     */
    static Instant time(Object v) {
        if (v instanceof Number n) {
            return fromNumber(n.longValue());
        }
        if (!(v instanceof String s) || s.isBlank()) {
            return null;
        }
        String t = s.trim();
        if (t.chars().allMatch(Character::isDigit) && t.length() < 19) {
            return fromNumber(Long.parseLong(t));
        }
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        boolean zoned = t.endsWith("Z") || t.endsWith("z") || t.matches(".*T.*[+-]\\d\\d:?\\d\\d$");
        try {
            return zoned ? java.time.OffsetDateTime.parse(t.replace('z', 'Z')).toInstant()
                    : java.time.LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant fromNumber(long x) {
        if (x > 100_000_000_000_000_000L) {
            long sinceEpoch = x - TICKS_AT_EPOCH;
            return Instant.ofEpochSecond(Math.floorDiv(sinceEpoch, 10_000_000L),
                    Math.floorMod(sinceEpoch, 10_000_000L) * 100);
        }
        return x > 100_000_000_000L ? Instant.ofEpochMilli(x) : Instant.ofEpochSecond(x);
    }
}
