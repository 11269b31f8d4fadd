package dev.rmmaudit.forwarder.source;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A row's columns, read-only, looked up without regard to case as MySQL does, in the order the source gave
 * them. A row is its values in an array; the names and their index belong to a {@link Columns} that every
 * row of the same table shape shares, so a row costs one array, not a hash table. Lookups by the exact name
 * (the common case: mappings spell columns as the schema does) cost one hash lookup; other spellings go
 * through a lower-case index built once per shape on first need. (A {@code TreeMap} with a case-insensitive
 * order did the same at several times the cost per row; a hash table per row was the handler's largest cost
 * after the mapping itself.)
 */
public final class ColumnMap extends AbstractMap<String, Object> {
    private static final ColumnMap EMPTY = new ColumnMap(Columns.of(List.of()), new Object[0]);

    private final Columns columns;
    private final Object[] values;

    private ColumnMap(Columns columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /** The column names of rows of one shape, in order, with their index; immutable and safe to share. */
    public static final class Columns {
        private final String[] names;
        private final HashMap<String, Integer> exact;
        private volatile Map<String, Integer> lower;

        private Columns(String[] names) {
            this.names = names;
            this.exact = new HashMap<>(names.length * 4 / 3 + 1);
            for (int i = 0; i < names.length; i++) {
                if (exact.putIfAbsent(names[i], i) != null) {
                    throw new IllegalArgumentException("column " + names[i] + " appears twice");
                }
            }
        }

        /** @throws IllegalArgumentException if a name appears twice */
        public static Columns of(List<String> names) {
            return new Columns(names.toArray(new String[0]));
        }

        public int size() {
            return names.length;
        }

        public String name(int index) {
            return names[index];
        }

        /** The index of the column of that name in any case (the exact spelling first), or -1. */
        public int indexOf(Object name) {
            Integer i = exact.get(name);
            if (i != null) {
                return i;
            }
            if (!(name instanceof String s)) {
                return -1;
            }
            Integer j = lowerIndex().get(s.toLowerCase(Locale.ROOT));
            return j == null ? -1 : j;
        }

        private Map<String, Integer> lowerIndex() {
            Map<String, Integer> l = lower;
            if (l == null) {
                l = new HashMap<>();
                for (int i = 0; i < names.length; i++) {
                    if (names[i] != null) {
                        l.putIfAbsent(names[i].toLowerCase(Locale.ROOT), i); // the first of two spellings wins
                    }
                }
                lower = l;
            }
            return l;
        }
    }

    /**
     * A row of {@code columns} with these values, by index, without copying them: the array becomes the column
     * map's own and must not be changed afterwards.
     */
    public static Map<String, Object> of(Columns columns, Object[] values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        return values.length == 0 ? EMPTY : new ColumnMap(columns, values);
    }

    /** The row as a column map; a column map is returned as it is. */
    public static Map<String, Object> of(Map<String, Object> row) {
        if (row == null || row.isEmpty()) {
            return EMPTY;
        }
        if (row instanceof ColumnMap c) {
            return c;
        }
        String[] names = new String[row.size()];
        Object[] values = new Object[names.length];
        int i = 0;
        for (Entry<String, Object> e : row.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new ColumnMap(new Columns(names), values);
    }

    @Override
    public Object get(Object key) {
        int i = columns.indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return columns.indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(columns.names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
