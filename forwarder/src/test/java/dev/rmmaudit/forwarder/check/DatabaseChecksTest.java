package dev.rmmaudit.forwarder.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The server checks on facts as MySQL 8 and MariaDB 10.11 report them (MySQL 8 cannot run on these machines). */
class DatabaseChecksTest {
    private static final List<TableMapping> MAPPINGS = MappingLoader.load(null).forModule("automate");
    private static final String MYSQL8 = "8.0.39";
    private static final String MARIADB = "10.11.6-MariaDB-0+deb12u1-log";

    private static AutomateSourceConfig config(String flavor, String sslMode) {
        return new AutomateSourceConfig(flavor, "db", 3306, "forwarder", new Secret("pw"), "labtech", 5401,
                Path.of("state"), sslMode, "none", Map.of());
    }

    private static Map<String, String> goodVariables() {
        Map<String, String> v = new HashMap<>(Map.of("log_bin", "ON", "binlog_format", "ROW", "binlog_row_image",
                "FULL", "server_id", "1", "binlog_expire_logs_seconds", "2592000"));
        return v;
    }

    private static Map<String, Set<String>> tables() {
        Map<String, Set<String>> t = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (TableMapping m : MAPPINGS) {
            t.put(m.table(), m.mappedColumns());
        }
        return t;
    }

    private static ServerFacts facts(String version, Map<String, String> vars, List<String> grants) {
        return new ServerFacts(version, vars, grants, "forwarder@127.0.0.1", tables());
    }

    private static final List<String> GOOD_GRANTS = List.of("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,"
            + " REPLICATION CLIENT ON *.* TO `forwarder`@`127.0.0.1`");

    private static CheckResult find(List<CheckResult> rs, String check) {
        return rs.stream().filter(r -> r.check().equals(check)).findFirst().orElseThrow(() -> new AssertionError(
                check + " not in " + rs));
    }

    @Test
    void evaluate_mysql8SetUpRight_nothingFails() {
        List<CheckResult> rs = DatabaseChecks.evaluate(facts(MYSQL8, goodVariables(), GOOD_GRANTS), config("mysql",
                "preferred"), MAPPINGS);
        assertFalse(Checker.failed(rs), rs.toString());
        assertTrue(rs.stream().noneMatch(r -> r.status() == CheckResult.Status.WARN && !r.check().equals("error log")),
                rs.toString());
        assertEquals("binlogs are kept 30 days (binlog_expire_logs_seconds = 2592000)", find(rs, "binlog retention")
                .detail());
    }

    @Test
    void evaluate_statementFormatMinimalImageNoServerId_eachFailsWithItsRemedy() {
        Map<String, String> v = goodVariables();
        v.put("binlog_format", "STATEMENT");
        v.put("binlog_row_image", "MINIMAL");
        v.put("server_id", "0");
        List<CheckResult> rs = DatabaseChecks.evaluate(facts(MYSQL8, v, GOOD_GRANTS), config("mysql", "preferred"),
                MAPPINGS);
        assertEquals(CheckResult.Status.FAIL, find(rs, "binlog_format").status());
        assertTrue(find(rs, "binlog_format").remedy().contains("SET GLOBAL binlog_format = 'ROW'"));
        assertEquals(CheckResult.Status.FAIL, find(rs, "binlog_row_image").status());
        assertEquals(CheckResult.Status.FAIL, find(rs, "server_id").status());
    }

    @Test
    void evaluate_logBinOff_fails() {
        Map<String, String> v = goodVariables();
        v.put("log_bin", "OFF");
        CheckResult r = find(DatabaseChecks.evaluate(facts(MYSQL8, v, GOOD_GRANTS), config("mysql", "preferred"),
                MAPPINGS), "log_bin");
        assertEquals(CheckResult.Status.FAIL, r.status());
        assertTrue(r.remedy().contains("log_bin = mysql-bin"), r.remedy());
    }

    @Test
    void retention_shortNeverOrMariaDbDays_areJudged() {
        Map<String, String> v = goodVariables();
        v.put("binlog_expire_logs_seconds", "86400");
        assertEquals(CheckResult.Status.WARN, DatabaseChecks.retention(facts(MYSQL8, v, GOOD_GRANTS)).status());
        v.put("binlog_expire_logs_seconds", "0");
        v.put("expire_logs_days", "0.000000"); // as MariaDB 10.11 prints it
        CheckResult never = DatabaseChecks.retention(facts(MYSQL8, v, GOOD_GRANTS));
        assertEquals(CheckResult.Status.WARN, never.status());
        assertTrue(never.detail().contains("never purged"), never.detail());
        Map<String, String> maria = new HashMap<>(goodVariables());
        maria.remove("binlog_expire_logs_seconds");
        maria.put("expire_logs_days", "7.000000");
        CheckResult days = DatabaseChecks.retention(facts(MARIADB, maria, GOOD_GRANTS));
        assertEquals(CheckResult.Status.OK, days.status(), days.detail());
        assertTrue(days.detail().contains("7 days"), days.detail());
    }

    @Test
    void authentication_mysql8CachingSha2WithoutTls_failsNamingTheFix() {
        Map<String, String> v = goodVariables();
        v.put("default_authentication_plugin", "caching_sha2_password");
        CheckResult r = DatabaseChecks.authentication(facts(MYSQL8, v, GOOD_GRANTS), config("mysql", "disabled"));
        assertEquals(CheckResult.Status.FAIL, r.status());
        assertTrue(r.remedy().contains("sslMode: preferred"), r.remedy());
        assertEquals(CheckResult.Status.OK, DatabaseChecks.authentication(facts(MYSQL8, v, GOOD_GRANTS),
                config("mysql", "required")).status());
        Map<String, String> policy = goodVariables();
        policy.put("authentication_policy", "*,,");
        assertEquals(CheckResult.Status.FAIL, DatabaseChecks.authentication(facts("8.4.0", policy, GOOD_GRANTS),
                config("mysql", "disabled")).status(), "MySQL 8.4 names the default in authentication_policy");
    }

    @Test
    void errorLog_mariaDbWarningsAndMysql8Verbosity_sayWhetherRefusedLoginsAreRecorded() {
        Map<String, String> maria = goodVariables();
        maria.put("log_warnings", "2");
        maria.put("log_error", "/var/lib/mysql/host.err");
        CheckResult ok = DatabaseChecks.errorLog(facts(MARIADB, maria, GOOD_GRANTS));
        assertEquals(CheckResult.Status.OK, ok.status());
        assertTrue(ok.detail().contains("/var/lib/mysql/host.err"), ok.detail());
        maria.put("log_warnings", "1");
        CheckResult low = DatabaseChecks.errorLog(facts(MARIADB, maria, GOOD_GRANTS));
        assertEquals(CheckResult.Status.WARN, low.status());
        assertTrue(low.remedy().startsWith("SET GLOBAL log_warnings = 2;"), low.remedy());
        Map<String, String> mysql = goodVariables();
        mysql.put("log_error_verbosity", "2");
        CheckResult quiet = DatabaseChecks.errorLog(facts(MYSQL8, mysql, GOOD_GRANTS));
        assertEquals(CheckResult.Status.WARN, quiet.status());
        assertTrue(quiet.remedy().contains("log_error_verbosity = 3"), quiet.remedy());
        mysql.put("log_error_verbosity", "3");
        assertEquals(CheckResult.Status.OK, DatabaseChecks.errorLog(facts(MYSQL8, mysql, GOOD_GRANTS)).status());
    }

    @Test
    void grants_missingOnes_failWithTheGrantToRun() {
        List<CheckResult> rs = DatabaseChecks.evaluate(facts(MYSQL8, goodVariables(), List.of(
                "GRANT USAGE ON *.* TO `forwarder`@`127.0.0.1`",
                "GRANT SELECT ON `labtech`.* TO `forwarder`@`127.0.0.1`")), config("mysql", "preferred"), MAPPINGS);
        CheckResult g = find(rs, "grants");
        assertEquals(CheckResult.Status.FAIL, g.status());
        assertTrue(g.detail().contains("lacks RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT"),
                g.detail());
        assertEquals("GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO"
                + " 'forwarder'@'127.0.0.1';", g.remedy());
    }

    @Test
    void grants_mariaDbNamesAndExtras_monitorCountsExtrasWarnAndNoHashIsShown() {
        List<CheckResult> rs = DatabaseChecks.evaluate(facts(MARIADB, goodVariables(), List.of(
                "GRANT SELECT, INSERT, RELOAD, SHOW DATABASES, SUPER, BINLOG MONITOR, REPLICATION SLAVE ON *.* TO"
                        + " `forwarder`@`%` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
                "GRANT DELETE ON `labtech`.* TO `forwarder`@`%`")), config("mariadb", "preferred"), MAPPINGS);
        assertEquals(CheckResult.Status.OK, find(rs, "grants").status(), "BINLOG MONITOR is REPLICATION CLIENT");
        CheckResult extra = find(rs, "least privilege");
        assertEquals(CheckResult.Status.WARN, extra.status());
        assertTrue(extra.detail().contains("INSERT ON *.*, SUPER ON *.*, DELETE ON labtech.*"), extra.detail());
        assertFalse(rs.toString().contains("2470C0C06DEE42FD"), "the hash SHOW GRANTS prints is never repeated");
    }

    @Test
    void grants_allPrivileges_satisfyAndWarn() {
        List<CheckResult> rs = DatabaseChecks.evaluate(facts(MARIADB, goodVariables(), List.of(
                "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION")), config("mariadb",
                "preferred"), MAPPINGS);
        assertEquals(CheckResult.Status.OK, find(rs, "grants").status());
        assertTrue(find(rs, "least privilege").detail().contains("ALL PRIVILEGES ON *.*"));
    }

    @Test
    void flavor_mysqlAgainstMariaDbAndTheReverse_fail() {
        CheckResult r = find(DatabaseChecks.evaluate(facts(MARIADB, goodVariables(), GOOD_GRANTS), config("mysql",
                "preferred"), MAPPINGS), "flavor");
        assertEquals(CheckResult.Status.FAIL, r.status());
        assertEquals("set flavor: mariadb under source (it decides the binlog connector)", r.remedy());
        assertEquals(CheckResult.Status.FAIL, find(DatabaseChecks.evaluate(facts(MYSQL8, goodVariables(), GOOD_GRANTS),
                config("mariadb", "preferred"), MAPPINGS), "flavor").status());
    }

    @Test
    void tables_missingTableAndColumn_warnNamingThem() {
        ServerFacts f = new ServerFacts(MYSQL8, goodVariables(), GOOD_GRANTS, "forwarder@%", new TreeMap<>(Map.of(
                "users", Set.of("UserID", "Name"))));
        List<CheckResult> rs = DatabaseChecks.evaluate(f, config("mysql", "preferred"), MAPPINGS);
        CheckResult users = find(rs, "table users");
        assertEquals(CheckResult.Status.WARN, users.status());
        assertTrue(users.detail().contains("ClientID"), users.detail());
        assertEquals(CheckResult.Status.WARN, find(rs, "table userclasses").status());
        assertFalse(Checker.failed(rs), "a missing table is a warning");
    }
}
