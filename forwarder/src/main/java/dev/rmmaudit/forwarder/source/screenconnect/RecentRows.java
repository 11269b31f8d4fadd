package dev.rmmaudit.forwarder.source.screenconnect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows of one table read recently, by rowid: what lets the source skip a row it already delivered (by its
 * key, ScreenConnect's {@code EventID}) when rowids move under it (a VACUUM renumbers them; a deleted newest row
 * gives its rowid to the next one), and notice rows that disappear (in 25.x, hiding an event deletes its row).
 * Bounded: rows older than the window, and the oldest past {@link #MAX_ROWS}, are forgotten.
 */
final class RecentRows {
    static final int MAX_ROWS = 20_000;
    /** Kept even with the deletion check off: enough to recognise rows of the last batches. */
    static final int MIN_ROWS = 4_000;

    /** A row read: its rowid and key when read, its time, and a few values to describe it if it disappears. */
    record Row(long rowid, String key, Instant time, Map<String, Object> summary) {
    }

    private final TreeMap<Long, Row> byRowid = new TreeMap<>();
    private final Map<String, Row> byKey = new HashMap<>();
    private final Duration window;

    RecentRows(Duration window) {
        this.window = window;
    }

    void add(Row r) {
        Row old = byRowid.put(r.rowid(), r);
        if (old != null) {
            byKey.remove(old.key());
        }
        byKey.put(r.key(), r);
    }

    boolean containsKey(String key) {
        return byKey.containsKey(key);
    }

    boolean isEmpty() {
        return byRowid.isEmpty();
    }

    int size() {
        return byRowid.size();
    }

    long firstRowid() {
        return byRowid.firstKey();
    }

    long lastRowid() {
        return byRowid.lastKey();
    }

    /** Forgets rows older than the window before {@code now} and the oldest past the bound. */
    void prune(Instant now) {
        Instant oldest = window.isZero() ? null : now.minus(window);
        while (!byRowid.isEmpty()) {
            Row first = byRowid.firstEntry().getValue();
            boolean tooMany = byRowid.size() > (window.isZero() ? MIN_ROWS : MAX_ROWS);
            boolean tooOld = oldest != null && first.time() != null && first.time().isBefore(oldest)
                    && byRowid.size() > MIN_ROWS;
            if (!tooMany && !tooOld) {
                break;
            }
            byRowid.pollFirstEntry();
            byKey.remove(first.key());
        }
    }

    /**
     * Compares the rows remembered with those the table holds now ({@code present}: rowid and key of each row in
     * the remembered rowid range or beyond): re-files rows whose rowid moved, and removes and returns the rows
     * that are gone.
     */
    List<Row> reconcile(Map<String, Long> present) {
        List<Row> gone = new ArrayList<>();
        List<Row> moved = new ArrayList<>();
        for (Row r : byRowid.values()) {
            Long now = present.get(r.key());
            if (now == null) {
                gone.add(r);
            } else if (now != r.rowid()) {
                moved.add(new Row(now, r.key(), r.time(), r.summary()));
            }
        }
        gone.forEach(r -> {
            byRowid.remove(r.rowid());
            byKey.remove(r.key());
        });
        if (!moved.isEmpty()) {
            Set<Long> old = new HashSet<>();
            moved.forEach(r -> old.add(byKey.get(r.key()).rowid()));
            old.forEach(byRowid::remove);
            moved.forEach(this::add);
        }
        return gone;
    }
}
