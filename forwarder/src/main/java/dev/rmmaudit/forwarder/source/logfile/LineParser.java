package dev.rmmaudit.forwarder.source.logfile;

import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a log line into a row as the format's mapping says ({@code parse:}): by a regular expression whose named
 * groups are the columns, or as W3C extended log lines, whose columns the last {@code #Fields:} line of the file
 * names (it changes mid-file after an IIS restart). A row's time goes to {@code TimeUtc} when a column gives it.
 */
final class LineParser {
    private static final Pattern GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final DateTimeFormatter COMBINED = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT);

    private final Pattern regex;
    private final List<String> groups;
    private final boolean w3c;
    private final ZoneId localZone;

    LineParser(TableMapping m, ZoneId localZone) {
        String r = m.parse().get("regex");
        this.regex = r == null ? null : Pattern.compile(r);
        this.groups = new ArrayList<>();
        if (r != null) {
            Matcher g = GROUP.matcher(r);
            while (g.find()) {
                groups.add(g.group(1));
            }
        }
        this.w3c = "true".equalsIgnoreCase(m.parse().get("w3c"));
        this.localZone = localZone;
    }

    boolean isW3c() {
        return w3c;
    }

    /** A W3C header line ({@code #Fields: date time ...}): the columns from now on; null for other lines. */
    static List<String> fields(String line) {
        return line.startsWith("#Fields:") ? List.of(line.substring(8).trim().split("\\s+")) : null;
    }

    /** The row of {@code line}, or null when it does not parse; {@code fields} are the W3C columns in force. */
    Map<String, Object> parse(String line, List<String> fields) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (w3c) {
            if (fields == null || fields.isEmpty()) {
                return null;
            }
            String[] values = line.split(" ", -1);
            if (values.length != fields.size()) {
                return null;
            }
            for (int i = 0; i < values.length; i++) {
                String v = values[i];
                row.put(fields.get(i), v.equals("-") ? "" : fields.get(i).startsWith("cs(") ? v.replace('+', ' ') : v);
            }
            Object d = row.get("date");
            Object t = row.get("time");
            if (d != null && t != null) {
                try {
                    row.put("TimeUtc", LocalDateTime.parse(d + "T" + t).toInstant(ZoneOffset.UTC).toString());
                } catch (DateTimeParseException e) {
                    // a line with a broken time still goes through, at the time it was read
                }
            }
            return row;
        }
        Matcher m = regex.matcher(line);
        if (!m.find()) {
            return null;
        }
        for (String g : groups) {
            String v = m.group(g);
            row.put(g, v == null || v.equals("-") ? "" : v); // '-' is the usual "no value"
        }
        Instant time = time(row.get("time"));
        if (time != null) {
            row.put("TimeUtc", time.toString());
        }
        return row;
    }

    /**
     * A time as the usual logs write it: ISO with a zone (MySQL 8), ISO or {@code yyyy-MM-dd HH:mm:ss} without one
     * (MariaDB: the server's local time), or combined's {@code 05/Dec/2026:15:09:37 +0000}.
     */
    Instant time(Object v) {
        if (!(v instanceof String s) || s.isBlank()) {
            return null;
        }
        try {
            if (s.matches("\\d\\d/\\w{3}/\\d{4}:.*")) {
                return OffsetDateTime.parse(s, COMBINED).toInstant();
            }
            String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            if (iso.endsWith("Z") || iso.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(iso).toInstant();
            }
            return LocalDateTime.parse(iso).atZone(localZone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
