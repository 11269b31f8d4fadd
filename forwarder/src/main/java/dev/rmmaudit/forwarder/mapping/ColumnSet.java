package dev.rmmaudit.forwarder.mapping;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;

/**
 * A few column names, compared without regard to case as MySQL does, read-only. {@link #contains} walks an
 * array: it is asked for every column of every row (is this one secret?), where a set's iterator or a lower-case
 * copy of each name showed in allocation profiles.
 */
public final class ColumnSet extends AbstractSet<String> {
    private static final ColumnSet EMPTY = new ColumnSet(new String[0]);
    private final String[] names;

    private ColumnSet(String[] names) {
        this.names = names;
    }

    /** The names given (duplicates in other cases dropped); a column set is returned as it is. */
    public static ColumnSet of(Collection<String> names) {
        if (names instanceof ColumnSet c) {
            return c;
        }
        if (names == null || names.isEmpty()) {
            return EMPTY;
        }
        String[] out = new String[names.size()];
        int n = 0;
        for (String name : names) {
            if (name != null && !contains(out, n, name)) {
                out[n++] = name;
            }
        }
        return new ColumnSet(Arrays.copyOf(out, n));
    }

    private static boolean contains(String[] names, int n, String name) {
        for (int i = 0; i < n; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof String s && contains(names, names.length, s);
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.asList(names).iterator();
    }

    @Override
    public int size() {
        return names.length;
    }
}
