package dev.rmmaudit.forwarder.check;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An account's privileges, read from {@code SHOW GRANTS} lines: those on {@code *.*} and those on one database.
 * Only the privilege list and the object are read; the rest of a line (MariaDB prints the password hash there) is
 * never kept. Names are normalised: MariaDB 10.5+ prints {@code BINLOG MONITOR} for REPLICATION CLIENT.
 */
record Grants(Set<String> global, Set<String> onDatabase) {
    private static final Pattern GRANT = Pattern.compile("(?i)^GRANT\\s+(.+?)\\s+ON\\s+(\\S+)\\s+TO\\s");

    static Grants parse(List<String> lines, String database) {
        Set<String> global = new LinkedHashSet<>();
        Set<String> db = new LinkedHashSet<>();
        for (String line : lines) {
            Matcher m = GRANT.matcher(line.trim());
            if (!m.find()) {
                continue; // GRANT role TO user, PROXY, ...: no privileges of their own
            }
            String object = m.group(2).replace("`", "").replace("\"", "");
            Set<String> target;
            if (object.equals("*.*")) {
                target = global;
            } else if (object.equalsIgnoreCase(database + ".*")) {
                target = db;
            } else {
                continue; // a single table or another database: not what the forwarder needs
            }
            for (String p : m.group(1).split(",")) {
                String name = p.replaceAll("\\(.*\\)", "").trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
                target.add(switch (name) {
                    case "BINLOG MONITOR" -> "REPLICATION CLIENT";
                    case "ALL" -> "ALL PRIVILEGES";
                    default -> name;
                });
            }
        }
        return new Grants(global, db);
    }

    boolean has(String privilege, boolean databaseLevelCounts) {
        return global.contains(privilege) || global.contains("ALL PRIVILEGES")
                || (databaseLevelCounts && (onDatabase.contains(privilege) || onDatabase.contains("ALL PRIVILEGES")));
    }
}
