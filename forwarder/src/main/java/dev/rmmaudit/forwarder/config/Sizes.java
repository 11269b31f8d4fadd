package dev.rmmaudit.forwarder.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sizes written as a number of bytes or with a unit: {@code 512KB}, {@code 64MB}, {@code 2GB} (powers of 1024; KiB, MiB, GiB too). */
final class Sizes {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?");

    private Sizes() {
    }

    static long read(ConfigNode n, String key, long defaultValue, long min, long max) {
        ConfigNode c = n.child(key);
        String text = c.text();
        if (text == null) {
            return defaultValue;
        }
        Matcher m = FORM.matcher(text.trim().replace("_", "").toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            c.problem("must be a size such as 500MB, 2GB or a number of bytes, not '" + text + "'");
            return defaultValue;
        }
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (ArithmeticException | NumberFormatException e) {
            v = Long.MAX_VALUE;
        }
        if (v < min || v > max) {
            c.problem("must be from " + min + " to " + max + " bytes, not " + text);
            return defaultValue;
        }
        return v;
    }

    private static long unit(String u) {
        if (u == null || u.equals("b")) {
            return 1;
        }
        return switch (u.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L << 40;
        };
    }
}
