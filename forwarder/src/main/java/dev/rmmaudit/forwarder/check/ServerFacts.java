package dev.rmmaudit.forwarder.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code check} read from the database server, read-only: its version, its global variables, the account's
 * grants as {@code SHOW GRANTS} prints them, the account as the server knows it ({@code CURRENT_USER()}) and the
 * columns of the mapped database's tables (by table, names as the server spells them).
 */
public record ServerFacts(String version, Map<String, String> variables, List<String> grants, String account,
        Map<String, Set<String>> columns) {

    public boolean isMariaDb() {
        return version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    /** A global variable's value, or null when the server has no such variable. */
    public String variable(String name) {
        return variables.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
