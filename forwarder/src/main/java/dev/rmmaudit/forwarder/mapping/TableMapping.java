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
        Map<String, Map<String, String>> labels) {

    /** Placeholders a condition or the mapping fills, not columns: {@code {class}}, {@code {gained}}, ... */
    static final Set<String> SPECIAL_VARIABLES = Set.of("class", "classId", "item", "user", "userId", "gained",
            "lost", "table", "action");

    static final java.util.Set<String> FIELD_KEYS = java.util.Set.of("actor", "targetUser", "targetUserId",
            "sourceAddress");

    public TableMapping {
        secrets = ColumnSet.of(secrets);
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
        Set<String> out = new java.util.LinkedHashSet<>();
        Set<String> seen = new java.util.HashSet<>(); // lower-cased: column names are matched without case
        java.util.function.Consumer<String> add = c -> {
            if (seen.add(c.toLowerCase(java.util.Locale.ROOT))) {
                out.add(c);
            }
        };
        add.accept(key);
        columns.values().forEach(add);
        secrets.forEach(add);
        List<Template> templates = new java.util.ArrayList<>(fields.values());
        for (EventSpec e : events) {
            Condition.Kind kind = e.when().kind();
            // became/ceased name a derived fact (superAdmin), not a column
            if (e.when().column() != null && kind != Condition.Kind.BECAME && kind != Condition.Kind.CEASED) {
                add.accept(column(e.when().column()));
            }
            e.where().forEach(w -> add.accept(w.column()));
            templates.add(e.message());
        }
        for (Template t : templates) {
            for (String v : t.variables()) {
                String name = v.endsWith(".label") ? v.substring(0, v.length() - ".label".length()) : v;
                String base = name.startsWith("before.") ? name.substring(7)
                        : name.startsWith("after.") ? name.substring(6) : name;
                if (withSpecialNames || !SPECIAL_VARIABLES.contains(name) || columns.containsKey(base)) {
                    add.accept(column(base));
                }
            }
        }
        // the key, then the rest by name: the same order on every start (the logical columns' map has none)
        List<String> rest = new java.util.ArrayList<>(out);
        rest.remove(0);
        rest.sort(String.CASE_INSENSITIVE_ORDER);
        Set<String> ordered = new java.util.LinkedHashSet<>();
        ordered.add(key);
        ordered.addAll(rest);
        return java.util.Collections.unmodifiableSet(ordered);
    }

    /** Whether {@code column} is a secret column, in any case. */
    public boolean isSecret(String column) {
        return secrets.contains(column);
    }
}
