package dev.rmmaudit.forwarder.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or {@code 1d}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration read(ConfigNode n, Duration defaultValue) {
        String text = n.text();
        if (text == null) {
            return defaultValue;
        }
        Duration d = parse(text);
        if (d == null) {
            n.problem("must be a duration such as 250ms, 5s, 2m, 1h or 1d, not '" + text + "'");
            return defaultValue;
        }
        return d;
    }

    /**
     * The duration, or null when {@code text} is not of the form {@code <number><ms|s|m|h|d>}; a bare {@code 0} is
     * zero (the keys where it means "off").
     */
    public static Duration parse(String text) {
        if (text.trim().equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }
}
