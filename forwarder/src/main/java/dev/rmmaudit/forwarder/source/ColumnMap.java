package dev.rmmaudit.forwarder.source;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A row's columns, read-only, looked up without regard to case as MySQL does, in the order the source gave
 * them. Lookups by the exact name (the common case: mappings spell columns as the schema does) cost one hash
 * lookup; other spellings go through a lower-case index built on first need. (A {@code TreeMap} with a
 * case-insensitive order did the same at several times the cost per row.)
 */
public final class ColumnMap extends AbstractMap<String, Object> {
    private static final ColumnMap EMPTY = new ColumnMap(new LinkedHashMap<>());

    private final LinkedHashMap<String, Object> exact;
    private volatile Map<String, String> lower;

    private ColumnMap(LinkedHashMap<String, Object> exact) {
        this.exact = exact;
    }

    /** The row as a column map; a column map is returned as it is. */
    public static Map<String, Object> of(Map<String, Object> row) {
        if (row == null || row.isEmpty()) {
            return EMPTY;
        }
        if (row instanceof ColumnMap c) {
            return c;
        }
        return new ColumnMap(new LinkedHashMap<>(row));
    }

    /**
     * The row as a column map without copying it: the map becomes the column map's own and must not be changed
     * afterwards. (A source that builds rows itself saves a copy per image.)
     */
    public static Map<String, Object> adopt(LinkedHashMap<String, Object> row) {
        return row.isEmpty() ? EMPTY : new ColumnMap(row);
    }

    @Override
    public Object get(Object key) {
        Object v = exact.get(key);
        if (v != null || !(key instanceof String name) || exact.containsKey(key)) {
            return v;
        }
        String actual = lowerIndex().get(name.toLowerCase(Locale.ROOT));
        return actual == null ? null : exact.get(actual);
    }

    @Override
    public boolean containsKey(Object key) {
        if (exact.containsKey(key)) {
            return true;
        }
        return key instanceof String name && lowerIndex().containsKey(name.toLowerCase(Locale.ROOT));
    }

    private Map<String, String> lowerIndex() {
        Map<String, String> l = lower;
        if (l == null) {
            l = new HashMap<>();
            for (String k : exact.keySet()) {
                l.putIfAbsent(k.toLowerCase(Locale.ROOT), k);
            }
            lower = l;
        }
        return l;
    }

    @Override
    public int size() {
        return exact.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return Collections.unmodifiableMap(exact).entrySet();
    }
}
