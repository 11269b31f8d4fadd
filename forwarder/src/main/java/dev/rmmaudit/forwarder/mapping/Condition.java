package dev.rmmaudit.forwarder.mapping;

import java.util.List;

/**
 * When an event spec fires. One of:
 * <ul>
 *   <li>{@code created}, {@code deleted}, {@code updated}: the kind of change;
 *   <li>{@code changed: col}: the column's value differs (secret columns too: only the fact is reported);
 *   <li>{@code increased: col}, {@code decreased: col}: a number went up or down;
 *   <li>{@code advanced: col}: a time (or number) moved forward, such as a last-login column;
 *   <li>{@code added: col}, {@code removed: col}: an id joined or left a comma-separated list; one event
 *       per id;
 *   <li>{@code bitsChanged: col}: a permission bitmask gained or lost bits;
 *   <li>{@code became: superAdmin}, {@code ceased: superAdmin}: a user's effective SuperAdmin flag changed,
 *       through their own classes or a class's bits; one event per affected user;
 *   <li>{@code advancedAlone: col}: the column moved forward and no other column changed (a last-login column
 *       that is also the table's "last modified"): the table's every column is captured to tell;
 *   <li>{@code changedBesides: col}: some column other than this one changed; {@code {columns}} names them.
 * </ul>
 */
record Condition(Kind kind, String column) {

    enum Kind {
        CREATED, DELETED, UPDATED, CHANGED, INCREASED, DECREASED, ADVANCED, ADDED, REMOVED, BITS_CHANGED,
        BECAME, CEASED, ADVANCED_ALONE, CHANGED_BESIDES;

        String key() {
            return switch (this) {
                case BITS_CHANGED -> "bitsChanged";
                case ADVANCED_ALONE -> "advancedAlone";
                case CHANGED_BESIDES -> "changedBesides";
                default -> name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    static final List<String> OPS = List.of("created", "deleted", "updated");
    static final List<String> KEYS = List.of("changed", "increased", "decreased", "advanced", "added", "removed",
            "bitsChanged", "became", "ceased", "advancedAlone", "changedBesides");

    /** Whether this condition compares whole rows (so the source must capture every column). */
    boolean readsWholeRow() {
        return kind == Kind.ADVANCED_ALONE || kind == Kind.CHANGED_BESIDES;
    }

    static Kind kindOf(String key) {
        for (Kind k : Kind.values()) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        return null;
    }
}
