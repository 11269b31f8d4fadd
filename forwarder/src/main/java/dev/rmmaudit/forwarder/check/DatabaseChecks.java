package dev.rmmaudit.forwarder.check;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks on the Automate database server, worked out from what was read ({@link ServerFacts}) without
 * touching the server: binary logging as the forwarder needs it, binlog retention, the account's grants (missing
 * ones fail, extra ones warn: least privilege), the flavour, the authentication plugin, and the mapped tables.
 */
public final class DatabaseChecks {
    /** The privileges the forwarder needs, and nothing more. */
    static final List<String> NEEDED = List.of("SELECT", "RELOAD", "SHOW DATABASES", "REPLICATION SLAVE",
            "REPLICATION CLIENT");
    /** How long the binlog should be kept: the forwarder can be down for a long weekend and still catch up. */
    static final long RETENTION_NEEDED_SECONDS = 3 * 86_400L;

    private DatabaseChecks() {
    }

    public static List<CheckResult> evaluate(ServerFacts f, AutomateSourceConfig c, List<TableMapping> mappings) {
        List<CheckResult> out = new ArrayList<>();
        out.add(flavor(f, c));
        out.add(logBin(f));
        out.add(equals(f, "binlog_format", "ROW", "SET GLOBAL binlog_format = 'ROW'; and binlog_format = ROW in my.ini"
                + " (statement-based binlogs carry no row images: nothing can be forwarded)"));
        out.add(equals(f, "binlog_row_image", "FULL", "SET GLOBAL binlog_row_image = 'FULL'; and binlog_row_image ="
                + " FULL in my.ini (a minimal image lacks the columns an update did not change)"));
        out.add(serverId(f));
        out.add(retention(f));
        out.add(authentication(f, c));
        out.add(errorLog(f));
        out.addAll(grants(f, c));
        out.addAll(tables(f, c, mappings));
        return out;
    }

    private static CheckResult flavor(ServerFacts f, AutomateSourceConfig c) {
        String actual = f.isMariaDb() ? "mariadb" : "mysql";
        if (actual.equals(c.flavor())) {
            return CheckResult.ok("flavor", "the server is " + f.version() + "; flavor: " + c.flavor() + " matches");
        }
        return CheckResult.fail("flavor", "the server is " + f.version() + " but the configuration says flavor: "
                + c.flavor(), "set flavor: " + actual + " under source (it decides the binlog connector)");
    }

    private static CheckResult logBin(ServerFacts f) {
        String v = f.variable("log_bin");
        if ("ON".equalsIgnoreCase(v) || "1".equals(v)) {
            return CheckResult.ok("log_bin", "binary logging is on");
        }
        return CheckResult.fail("log_bin", "binary logging is " + (v == null ? "unknown" : "off (log_bin = " + v + ")"),
                "set log_bin = mysql-bin and server_id = 1 in my.ini under [mysqld] and restart the server (MySQL 8"
                        + " has it on unless started with --skip-log-bin)");
    }

    private static CheckResult equals(ServerFacts f, String name, String wanted, String remedy) {
        String v = f.variable(name);
        if (v == null && name.equals("binlog_row_image")) {
            return CheckResult.warn(name, "the server has no " + name + " (before MySQL 5.6 images are always full)",
                    null);
        }
        if (wanted.equalsIgnoreCase(v)) {
            return CheckResult.ok(name, name + " = " + v);
        }
        return CheckResult.fail(name, name + " = " + v + ", the forwarder needs " + wanted, remedy);
    }

    private static CheckResult serverId(ServerFacts f) {
        String v = f.variable("server_id");
        if (v != null && !v.equals("0")) {
            return CheckResult.ok("server_id", "server_id = " + v);
        }
        return CheckResult.fail("server_id", "server_id = " + v + ": a server without an id writes no usable binlog",
                "set server_id = 1 in my.ini under [mysqld] and restart the server");
    }

    /**
     * MySQL 8 keeps binlogs {@code binlog_expire_logs_seconds} (default 30 days); MariaDB has that too from 10.6
     * and {@code expire_logs_days} before; 0 means never purged.
     */
    static CheckResult retention(ServerFacts f) {
        String seconds = f.variable("binlog_expire_logs_seconds");
        String days = f.variable("expire_logs_days");
        Long keep = null;
        String source = null;
        if (number(seconds) > 0) {
            keep = Math.round(number(seconds));
            source = "binlog_expire_logs_seconds = " + seconds;
        } else if (number(days) > 0) {
            keep = Math.round(number(days) * 86_400);
            source = "expire_logs_days = " + days;
        }
        if (keep == null) {
            return CheckResult.warn("binlog retention", "binlogs are never purged (binlog_expire_logs_seconds and"
                    + " expire_logs_days are 0): nothing is lost, but the disk fills", "set binlog_expire_logs_seconds"
                    + " = 604800 (7 days) in my.ini");
        }
        if (keep < RETENTION_NEEDED_SECONDS) {
            return CheckResult.warn("binlog retention", "binlogs are kept " + human(keep) + " (" + source + "): a"
                    + " forwarder stopped longer cannot catch up and must start again from now", "keep them at least"
                    + " 3 days: SET GLOBAL binlog_expire_logs_seconds = 604800; and the same in my.ini");
        }
        return CheckResult.ok("binlog retention", "binlogs are kept " + human(keep) + " (" + source + ")");
    }

    /** A numeric variable (MariaDB prints {@code expire_logs_days} as {@code 0.000000}); 0 when absent. */
    private static double number(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String human(long seconds) {
        return seconds % 86_400 == 0 ? seconds / 86_400 + " days" : seconds / 3_600.0 + " hours";
    }

    /**
     * Whether the error log records refused logins (for a log source of format {@code mysql-error}): MariaDB with
     * {@code log_warnings} 2 or more (its default), MySQL 8 with {@code log_error_verbosity} 3.
     */
    static CheckResult errorLog(ServerFacts f) {
        String where = f.variable("log_error") == null || f.variable("log_error").isBlank() ? ""
                : " (" + f.variable("log_error") + ")";
        if (f.isMariaDb()) {
            double w = number(f.variable("log_warnings"));
            return w >= 2 ? CheckResult.ok("error log", "refused logins are recorded in the error log" + where
                    + "; log_warnings = " + f.variable("log_warnings")) : CheckResult.warn("error log", "refused logins"
                    + " are not recorded: log_warnings = " + f.variable("log_warnings"), "SET GLOBAL log_warnings = 2;"
                    + " and log_warnings = 2 in my.ini, to follow them with a log source (format: mysql-error)");
        }
        double v = number(f.variable("log_error_verbosity"));
        return v >= 3 ? CheckResult.ok("error log", "refused logins are recorded in the error log" + where
                + "; log_error_verbosity = 3") : CheckResult.warn("error log", "refused logins are not recorded:"
                + " log_error_verbosity = " + f.variable("log_error_verbosity"), "SET PERSIST log_error_verbosity = 3;"
                + " to follow them with a log source (format: mysql-error)");
    }

    /**
     * MySQL 8's default {@code caching_sha2_password} sends the password only over TLS or with the server's public
     * key: {@code sslMode: disabled} then fails on the first connection from a new client.
     */
    static CheckResult authentication(ServerFacts f, AutomateSourceConfig c) {
        String plugin = f.variable("default_authentication_plugin");
        String policy = f.variable("authentication_policy");
        boolean sha2 = (plugin != null && plugin.contains("caching_sha2")) || (policy != null
                && (policy.startsWith("*") || policy.contains("caching_sha2")) && !f.isMariaDb());
        if (sha2 && c.sslMode().equals("disabled")) {
            return CheckResult.fail("authentication", "the server authenticates with caching_sha2_password, which needs"
                    + " TLS or the server's public key, and sslMode is disabled", "set sslMode: preferred (or required)"
                    + " under source");
        }
        return CheckResult.ok("authentication", (sha2 ? "caching_sha2_password over TLS or with public-key"
                + " retrieval" : "the account's authentication needs no TLS") + "; sslMode: " + c.sslMode());
    }

    private static List<CheckResult> grants(ServerFacts f, AutomateSourceConfig c) {
        Grants g = Grants.parse(f.grants(), c.database());
        List<String> missing = new ArrayList<>();
        for (String p : NEEDED) {
            if (!g.has(p, p.equals("SELECT"))) {
                missing.add(p);
            }
        }
        Set<String> extra = new LinkedHashSet<>();
        for (String p : g.global()) {
            if (!NEEDED.contains(p) && !p.equals("USAGE")) {
                extra.add(p + " ON *.*");
            }
        }
        for (String p : g.onDatabase()) {
            if (!p.equals("SELECT") && !p.equals("USAGE")) {
                extra.add(p + " ON " + c.database() + ".*");
            }
        }
        String account = quoteAccount(f.account());
        List<CheckResult> out = new ArrayList<>();
        if (missing.isEmpty()) {
            out.add(CheckResult.ok("grants", "the account " + account + " has " + String.join(", ", NEEDED)));
        } else {
            boolean select = missing.remove("SELECT");
            String grant = (missing.isEmpty() ? "" : "GRANT " + String.join(", ", missing) + " ON *.* TO " + account
                    + ";") + (select ? (missing.isEmpty() ? "" : " ") + "GRANT SELECT ON `" + c.database() + "`.* TO "
                    + account + ";" : "");
            List<String> all = new ArrayList<>(missing);
            if (select) {
                all.add(0, "SELECT on " + c.database());
            }
            out.add(CheckResult.fail("grants", "the account " + account + " lacks " + String.join(", ", all), grant));
        }
        if (!extra.isEmpty()) {
            out.add(CheckResult.warn("least privilege", "the account " + account + " also holds " + String.join(", ",
                    extra) + "; the forwarder only reads", "REVOKE what it does not need, e.g. REVOKE "
                    + extra.iterator().next() + " FROM " + account + ";"));
        }
        return out;
    }

    private static String quoteAccount(String currentUser) {
        if (currentUser == null || !currentUser.contains("@")) {
            return "'forwarder'@'127.0.0.1'";
        }
        int at = currentUser.lastIndexOf('@');
        return "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }

    private static List<CheckResult> tables(ServerFacts f, AutomateSourceConfig c, List<TableMapping> mappings) {
        Map<String, Set<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(f.columns());
        List<CheckResult> out = new ArrayList<>();
        for (TableMapping m : mappings) {
            Set<String> columns = byName.get(m.table());
            String check = "table " + m.table();
            if (columns == null) {
                boolean builtIn = m.source().startsWith("mappings/");
                out.add(CheckResult.warn(check, c.database() + "." + m.table() + " does not exist; " + m.source()
                        + " gives no events", builtIn ? "nothing to do if this server has no such table; if it has"
                        + " it under another name, correct 'table:' in a copy of " + m.source() + " under your"
                        + " mappings directory" : "correct 'table:' in " + m.source() + ", or remove it (forwarder"
                        + " discover lists candidate tables)"));
                continue;
            }
            List<String> missing = m.mappedColumns().stream().filter(col -> columns.stream().noneMatch(
                    col::equalsIgnoreCase)).toList();
            if (missing.isEmpty()) {
                out.add(CheckResult.ok(check, "has every column " + m.source() + " reads (" + m.mappedColumns().size()
                        + ")"));
            } else {
                out.add(CheckResult.warn(check, c.database() + "." + m.table() + " has no column "
                        + String.join(", ", missing) + " that " + m.source() + " reads; the events that need them"
                        + " will not fire", "correct 'columns:' in a copy of " + m.source() + " under your mappings"
                        + " directory"));
            }
        }
        return out;
    }

    /** The lower-case variable names {@link ServerProbe} reads. */
    static final Set<String> VARIABLES = Set.of("log_bin", "binlog_format", "binlog_row_image", "server_id",
            "binlog_expire_logs_seconds", "expire_logs_days", "default_authentication_plugin",
            "authentication_policy", "log_warnings", "log_error_verbosity", "log_error");

}
