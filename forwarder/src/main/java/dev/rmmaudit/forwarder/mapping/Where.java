package dev.rmmaudit.forwarder.mapping;

import java.util.Map;
import java.util.Set;

/**
 * A value test an event spec adds to its condition ({@code where:} in a mapping): the column's value, as text,
 * is one of {@code values} (or, negated, none of them), or with {@code prefix} starts with one of them, without
 * case. An empty string stands for a missing value too.
 *
 * @param image {@code current} (the row after the change, or before a delete), {@code before} or {@code after}
 */
record Where(String image, String column, Set<String> values, boolean negated, boolean prefix) {

    boolean test(Map<String, Object> row) {
        String v = Values.text(row.get(column));
        if (prefix) {
            return v != null && values.stream().anyMatch(p -> v.regionMatches(true, 0, p, 0, p.length()));
        }
        boolean in = values.contains(v == null ? "" : v);
        return negated != in;
    }
}
