package dev.rmmaudit.forwarder.mapping;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one table's changes become security events; read from a {@code mappings/<module>/<table>.yml} file.
 *
 * @param source the file or resource it was read from, for messages
 * @param role {@code users}, {@code userclasses} or {@code none}: a role keeps the user directory current
 * @param columns logical name to column name (case-insensitive)
 * @param secrets columns whose values never leave the forwarder
 * @param bitNames names of permission bits, by bit number
 * @param fields event fields filled from the row: {@code actor}, {@code targetUser}, {@code targetUserId},
 *     {@code sourceAddress}, and {@code attributes.<name>}
 * @param labels names for coded values, by logical column ({@code {result.label}} in a template)
 * @param optional logical columns (or columns) that some versions of the table lack, and {@code *} when the whole
 *     table may be absent: their absence is a fact of that layout, logged without a warning
 * @param truncate logical columns (or columns) whose text events carry only the first N characters of, such as a
 *     command's output
 * @param parse how a log line becomes a row, for the log-file source: {@code regex} (named groups are the columns)
 *     or {@code w3c: true} (the file's {@code #Fields:} line names them); empty for tables
 */
public record TableMapping(
        String source,
        String module,
        String table,
        String key,
        String role,
        Map<String, String> columns,
        Set<String> secrets,
        long superAdminMask,
        Map<Integer, String> bitNames,
        Map<String, Template> fields,
        List<EventSpec> events,
        Map<String, Map<String, String>> labels,
        Set<String> optional,
        Map<String, Integer> truncate,
        Map<String, String> parse) {

    /** Placeholders a condition or the mapping fills, not columns: {@code {class}}, {@code {gained}}, ... */
    static final Set<String> SPECIAL_VARIABLES = Set.of("class", "classId", "item", "user", "userId", "gained",
            "lost", "table", "action", "columns");

    static final java.util.Set<String> FIELD_KEYS = java.util.Set.of("actor", "targetUser", "targetUserId",
            "sourceAddress");

    public TableMapping {
        secrets = ColumnSet.of(secrets);
    }

    /** How many characters of {@code column}'s text an event may carry, or -1 for all of it. */
    public int maxChars(String column) {
        for (Map.Entry<String, Integer> e : truncate.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column) || column(e.getKey()).equalsIgnoreCase(column)) {
                return Math.min(e.getValue(), MAX_CHARS);
            }
        }
        return MAX_CHARS;
    }

    /**
     * The most characters of any value an event carries: 8,000 characters are at most 32,000 bytes of UTF-8, under
     * Lucene's 32,766-byte limit on one term, past which Elasticsearch and OpenSearch refuse the whole document
     * (OpenSearch's flat_object cannot ignore a long value as a keyword's ignore_above does).
     */
    public static final int MAX_CHARS = 8_000;

    /** The tables whose rows the forwarder makes itself: account statements and the inventory. */
    public static final Set<String> MADE_BY_FORWARDER = Set.of("mysql_account", "inventory_user", "inventory_summary");

    /** Whether this mapping's rows are made by the forwarder, not read from a table of the source. */
    public boolean madeByForwarder() {
        return MADE_BY_FORWARDER.stream().anyMatch(table::equalsIgnoreCase);
    }

    /** Whether the whole table may be absent (a layout without it). */
    public boolean optionalTable() {
        return optional.contains("*");
    }

    /** Whether {@code column} (a column or a logical name) may be absent from the table. */
    public boolean isOptional(String column) {
        return optional.stream().anyMatch(o -> o.equalsIgnoreCase(column) || column(o).equalsIgnoreCase(column));
    }

    /** The column behind a logical name; a name that is not declared is taken as a column name itself. */
    public String column(String logical) {
        return columns.getOrDefault(logical, logical);
    }

    /**
     * The columns this mapping reads, each once (in any case): its key, logical columns, the columns its
     * conditions and value tests name, the columns its placeholders name by themselves ({@code {before.X}}, or
     * any column in a mapping without logical columns) and its secret columns (whose changes it reports).
     */
    public Set<String> mappedColumns() {
        return columnsRead(false);
    }

    /**
     * The columns the source must capture for this mapping: {@link #mappedColumns()} and the columns named like
     * a placeholder the condition fills ({@code {class}}, {@code {user}}: where a condition supplies none, the
     * message reads a column of that name).
     */
    public Set<String> capturedColumns() {
        return columnsRead(true);
    }

    private Set<String> columnsRead(boolean withSpecialNames) {
        // by name without case (as the database matches them), each kept in the spelling first met: the key's
        Set<String> read = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        read.add(key);
        read.addAll(columns.values());
        read.addAll(secrets);
        List<Template> templates = new java.util.ArrayList<>(fields.values());
        for (EventSpec e : events) {
            Condition.Kind kind = e.when().kind();
            // became/ceased name a derived fact (superAdmin), not a column
            if (e.when().column() != null && kind != Condition.Kind.BECAME && kind != Condition.Kind.CEASED) {
                read.add(column(e.when().column()));
            }
            e.where().forEach(w -> read.add(w.column()));
            templates.add(e.message());
        }
        for (Template t : templates) {
            for (String v : t.variables()) {
                String base = Template.columnPart(v);
                if (withSpecialNames || !SPECIAL_VARIABLES.contains(Template.withoutLabel(v))
                        || columns.containsKey(base)) {
                    read.add(column(base));
                }
            }
        }
        // the key first, then the rest by name: the same order on every start
        Set<String> ordered = new java.util.LinkedHashSet<>();
        ordered.add(key);
        read.stream().filter(c -> !c.equalsIgnoreCase(key)).forEach(ordered::add);
        return java.util.Collections.unmodifiableSet(ordered);
    }

    /** Whether a condition compares whole rows ({@code advancedAlone}, {@code changedBesides}): capture every column. */
    public boolean capturesAllColumns() {
        return events.stream().anyMatch(e -> e.when().readsWholeRow());
    }

    /** Whether {@code column} is a secret column, in any case. */
    public boolean isSecret(String column) {
        return secrets.contains(column);
    }
}
