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

    static final java.util.Set<String> FIELD_KEYS = java.util.Set.of("actor", "targetUser", "targetUserId",
            "sourceAddress");

    public TableMapping {
        secrets = ColumnSet.of(secrets);
    }

    /** The column behind a logical name; a name that is not declared is taken as a column name itself. */
    public String column(String logical) {
        return columns.getOrDefault(logical, logical);
    }

    /** The columns this mapping reads: its key, logical columns and the columns its conditions name. */
    public Set<String> mappedColumns() {
        Set<String> out = new java.util.LinkedHashSet<>();
        out.add(key);
        out.addAll(columns.values());
        for (EventSpec e : events) { // value tests (where) name logical columns only: those are in already
            Condition.Kind kind = e.when().kind();
            // became/ceased name a derived fact (superAdmin), not a column
            if (e.when().column() != null && kind != Condition.Kind.BECAME && kind != Condition.Kind.CEASED) {
                out.add(column(e.when().column()));
            }
        }
        return out;
    }

    /** Whether {@code column} is a secret column, in any case. */
    public boolean isSecret(String column) {
        return secrets.contains(column);
    }
}
