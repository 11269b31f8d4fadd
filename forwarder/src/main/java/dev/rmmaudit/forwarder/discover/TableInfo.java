package dev.rmmaudit.forwarder.discover;

import java.util.List;

/**
 * A table as {@code information_schema} describes it: its columns in order, its primary key and the server's
 * estimate of its rows.
 */
public record TableInfo(String name, List<Column> columns, List<String> primaryKey, long estimatedRows) {

    /** A column: name and type as the server prints it ({@code varchar(50)}, {@code datetime}). */
    public record Column(String name, String type) {
        boolean isTime() {
            String t = type.toLowerCase(java.util.Locale.ROOT);
            return t.startsWith("datetime") || t.startsWith("timestamp") || t.equals("date");
        }
    }
}
