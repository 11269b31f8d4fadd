package dev.rmmaudit.forwarder.source;

import java.time.Instant;
import java.util.Map;

/**
 * One changed row as a source saw it, before any mapping.
 *
 * <p>Column names are matched without regard to case, as MySQL does. {@code before} is empty for an
 * insert and {@code after} is empty for a delete.
 *
 * @param position the source's position of this row, unique per row: with the table and key it makes the
 *     event id (for the binlog: file, event position and row number in the event)
 */
public record RowChange(
        Op op,
        String server,
        String database,
        String table,
        Map<String, Object> before,
        Map<String, Object> after,
        Instant time,
        String position) {

    public RowChange {
        before = ColumnMap.of(before);
        after = ColumnMap.of(after);
    }

    /** The kind of change. */
    public enum Op { CREATE, UPDATE, DELETE }

    /** The row as it is now, or as it was before a delete. */
    public Map<String, Object> current() {
        return op == Op.DELETE ? before : after;
    }
}
