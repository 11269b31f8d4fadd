package dev.rmmaudit.forwarder.discover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mapping skeleton for a table {@code discover} found: its key, every column under a logical name, secret-looking
 * columns marked secret, and one {@code created} event whose message names the likely user, time and address.
 * It is valid as it stands ({@code forwarder validate} accepts it); the {@code TODO} comments mark what a person
 * must decide: whether a row is a success or a failure, the severity, and which changes matter.
 */
public final class Skeleton {
    private Skeleton() {
    }

    public static String of(TableInfo t, String database) {
        Map<String, String> logical = new LinkedHashMap<>();
        List<String> secrets = new ArrayList<>();
        for (TableInfo.Column c : t.columns()) {
            if (Candidates.isSecret(c.name())) {
                secrets.add(c.name());
            } else {
                logical.put(logicalName(c.name(), logical), c.name());
            }
        }
        String key = t.primaryKey().isEmpty() ? t.columns().get(0).name() : t.primaryKey().get(0);
        String user = Candidates.first(t, Candidates.USER, false);
        String address = Candidates.first(t, Candidates.ADDRESS, false);
        String userLogical = keyOf(logical, user);
        String addressLogical = keyOf(logical, address);
        StringBuilder y = new StringBuilder();
        y.append("# Skeleton for ").append(database).append('.').append(t.name()).append(", written by forwarder discover.\n");
        y.append("# Columns and types as the server reported them:\n");
        for (TableInfo.Column c : t.columns()) {
            y.append("#   ").append(c.name()).append(' ').append(c.type()).append(Candidates.isSecret(c.name())
                    ? "   (looks secret: never forwarded)" : "").append('\n');
        }
        y.append("# TODO: decide what a row means (a login? a failure? an audit entry?), then name the action,\n");
        y.append("# category, outcome and severity below; add 'where:' tests for coded columns (docs/mappings.md).\n");
        y.append("table: ").append(t.name()).append('\n');
        y.append("description: ").append(quote(t.name() + " rows (discovered; TODO: describe)")).append('\n');
        y.append("key: ").append(key).append(t.primaryKey().isEmpty() ? "   # TODO: no primary key; is this column"
                + " unique?" : "").append('\n');
        if (!secrets.isEmpty()) {
            y.append("secret: [").append(String.join(", ", secrets)).append("]\n");
        }
        y.append("columns:\n");
        logical.forEach((l, c) -> y.append("  ").append(l).append(": ").append(c).append('\n'));
        if (userLogical != null || addressLogical != null) {
            y.append("fields:\n");
            if (userLogical != null) {
                y.append("  targetUser: \"{").append(userLogical).append("}\"   # TODO: the actor instead? (actor:)\n");
            }
            if (addressLogical != null) {
                y.append("  sourceAddress: \"{").append(addressLogical).append("}\"\n");
            }
        }
        y.append("events:\n");
        y.append("  - action: ").append(action(t.name())).append("-recorded   # TODO: e.g. login-failed\n");
        y.append("    when: created\n");
        y.append("    category: ").append(category(t.name())).append("   # TODO: authentication, iam, configuration, ...\n");
        y.append("    type: [info]\n");
        y.append("    outcome: unknown   # TODO: success or failure, with where: tests if a column tells\n");
        y.append("    severity: 3        # TODO\n");
        StringBuilder msg = new StringBuilder(t.name()).append(" row");
        if (userLogical != null) {
            msg.append(" for {").append(userLogical).append('}');
        }
        if (addressLogical != null) {
            msg.append(" from {").append(addressLogical).append('}');
        }
        y.append("    message: ").append(quote(msg.toString())).append('\n');
        y.append("  - action: ").append(action(t.name())).append("-history-deleted\n");
        y.append("    when: deleted\n");
        y.append("    category: ").append(category(t.name())).append('\n');
        y.append("    type: [deletion]\n");
        y.append("    severity: 7\n");
        y.append("    message: ").append(quote("A " + t.name() + " row was deleted" + (userLogical != null ? " (" + "{"
                + userLogical + "})" : ""))).append('\n');
        return y.toString();
    }

    private static String keyOf(Map<String, String> logical, String column) {
        if (column == null) {
            return null;
        }
        return logical.entrySet().stream().filter(e -> e.getValue().equals(column)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** A logical name: the column in lower camel case, letters and digits only, unique in the mapping. */
    static String logicalName(String column, Map<String, String> taken) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char ch : column.toCharArray()) {
            if (!Character.isLetterOrDigit(ch)) {
                upper = s.length() > 0;
                continue;
            }
            s.append(s.length() == 0 ? Character.toLowerCase(ch) : upper ? Character.toUpperCase(ch) : ch);
            upper = false;
        }
        String base = s.length() == 0 || !Character.isLetter(s.charAt(0)) ? "c" + s : s.toString();
        String name = base;
        for (int i = 2; taken.containsKey(name) || reserved(name); i++) {
            name = base + i;
        }
        return name;
    }

    private static boolean reserved(String name) {
        return java.util.Set.of("class", "classId", "item", "user", "userId", "gained", "lost", "table", "action",
                "columns").contains(name);
    }

    private static String action(String table) {
        String a = table.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return a.isEmpty() ? "row" : a.length() > 40 ? a.substring(0, 40) : a;
    }

    private static String category(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        return t.matches(".*(login|logon|logoff|logout|auth|fail|session).*") ? "authentication"
                : t.matches(".*(audit|sec).*") ? "iam" : "configuration";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
