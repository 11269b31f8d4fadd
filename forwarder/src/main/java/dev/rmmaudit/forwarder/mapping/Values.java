package dev.rmmaudit.forwarder.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads column values of any type as text, numbers, lists and bitmasks, leniently. */
final class Values {
    private Values() {
    }

    /** The value as text; null stays null. Byte arrays are hex, decimals plain. */
    static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof java.time.LocalDateTime t) {
            return java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        return v.toString();
    }

    /** The ids of a comma-separated list such as {@code '7,3,'}, in order, without blanks or repeats. */
    static List<String> list(Object v) {
        String t = text(v);
        if (t == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(4);
        for (int from = 0; from <= t.length(); ) {
            int comma = t.indexOf(',', from);
            int end = comma < 0 ? t.length() : comma;
            String p = t.substring(from, end).trim();
            if (!p.isEmpty() && !out.contains(p)) { // a few classes: a list beats a set
                out.add(p);
            }
            from = end + 1;
        }
        return out;
    }

    /** The value as a 64-bit mask; null and unreadable values are 0 (and {@code ok} says which). */
    static long bits(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n && !(v instanceof BigDecimal) && !(v instanceof BigInteger)) {
            return n.longValue();
        }
        try {
            return new BigDecimal(text(v).trim()).toBigInteger().longValue();
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Compares two values: numerically when both read as numbers, by their natural order when they are of
     * one comparable type (times), else as text. Null is smaller than anything.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (integral(a) && integral(b)) {
            return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
        }
        BigDecimal na = number(a);
        BigDecimal nb = number(b);
        if (na != null && nb != null) {
            return na.compareTo(nb);
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable ca) {
            return ca.compareTo(b);
        }
        return text(a).compareTo(text(b));
    }

    private static boolean integral(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    static BigDecimal number(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (integral(v)) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof String s && !looksNumeric(s)) {
            return null; // an e-mail or a name: no exception thrown and caught per comparison
        }
        if (v instanceof Number || v instanceof String) {
            try {
                return new BigDecimal(v.toString().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A cheap test that rules out most text before BigDecimal parses it: digits, sign, point, exponent. */
    private static boolean looksNumeric(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    /** True when the two values differ; numbers of different types that are equal do not. */
    static boolean differ(Object a, Object b) {
        if (a == null || b == null) {
            return a != b;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return !java.util.Arrays.equals(x, y);
        }
        return compare(a, b) != 0;
    }
}
