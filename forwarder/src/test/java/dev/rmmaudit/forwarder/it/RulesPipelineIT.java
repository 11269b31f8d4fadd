package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in rules on the real pipeline: a real MariaDB binlog, Debezium, the mappings (with the
 * failed-login template), the rule engine, and a syslog sink that selects alerts only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesPipelineIT {
    @TempDir
    static Path dir;
    static ForwarderFixture f;

    @BeforeAll
    static void start() throws Exception {
        // Working hours round the clock (start = end), so the result does not depend on when the test runs.
        RulesConfig.WorkingHours always = new RulesConfig.WorkingHours(java.time.ZoneOffset.UTC,
                java.util.EnumSet.allOf(java.time.DayOfWeek.class), java.time.LocalTime.MIDNIGHT,
                java.time.LocalTime.MIDNIGHT);
        RulesConfig rules = new RulesConfig(true, null, Set.of(), java.util.Map.of(), always, 10_000);
        f = ForwarderFixture.prepare(dir).mappings(Path.of("..", "samples", "mappings")).select("alerts")
                .rules(rules);
        f.startForwarder();
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private static Set<String> rules(List<Cef> alerts) {
        return alerts.stream().map(a -> a.get("act")).collect(Collectors.toSet());
    }

    @Test
    @Order(1)
    void superAdminBitSetOnClass_raisesOneAlertPerMember() throws Exception {
        List<Cef> alerts = f.expect(3, "UPDATE userclasses SET Permissions = Permissions | 1 WHERE Name = 'Helpdesk'");
        // the class's permission change, then one SuperAdmin alert for each of carol and dave
        assertEquals(List.of("automate_permissions_changed", "automate_superadmin_granted",
                "automate_superadmin_granted"), alerts.stream().map(a -> a.get("act")).toList());
        Cef superAdmin = alerts.get(1);
        assertEquals("10", superAdmin.header().get(6), "critical");
        assertTrue(superAdmin.header().get(4).matches("[0-9a-f-]{36}"), "signature id is the rule id");
        assertEquals(Set.of("carol", "dave"), Set.of(alerts.get(1).get("duser"), alerts.get(2).get("duser")));
        assertTrue(superAdmin.get("cs4").matches("[0-9a-f]{32}"), "the triggering event id: " + superAdmin.get("cs4"));
    }

    @Test
    @Order(2)
    void fiveFailedLogins_raiseTheBurstAlertsOnce() throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO loginfailures (UserName, IPAddress, Reason) VALUES ");
        for (int i = 0; i < 6; i++) {
            sql.append(i == 0 ? "" : ", ").append("('bob', '203.0.113.7', 'bad password')");
        }
        List<Cef> alerts = f.expect(2, sql.toString());
        assertEquals(Set.of("failed_login_burst_user", "failed_login_burst_source"), rules(alerts));
        Cef user = alerts.stream().filter(a -> a.get("act").equals("failed_login_burst_user")).findFirst().get();
        assertEquals("bob", user.get("duser"));
        assertEquals(5, user.get("cs4").split(",").length, "the five failures that made it fire");
    }

    @Test
    @Order(3)
    void loginRightAfterTheBurst_raisesTheCriticalAlert() throws Exception {
        List<Cef> alerts = f.expect(1, "UPDATE users SET Last_Date = NOW() WHERE Name = 'bob'");
        assertEquals("login_success_after_failures", alerts.get(0).get("act"));
        assertEquals("10", alerts.get(0).header().get(6));
    }

    @Test
    @Order(4)
    void oneTechnicianOn25Computers_raisesTheMassScriptAlert() throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO h_scripts (ScriptID, ComputerID, ScriptStatus, "
                + "HistoryDate, RunByUser) VALUES ");
        for (int i = 0; i < 25; i++) {
            sql.append(i == 0 ? "" : ", ").append("(").append(900 + i).append(", ").append(5000 + i)
                    .append(", 3, NOW(), 'mallory')");
        }
        List<Cef> alerts = f.expect(1, sql.toString());
        assertEquals("automate_mass_script_technician", alerts.get(0).get("act"));
        assertEquals("mallory", alerts.get(0).get("suser"));
        assertTrue(alerts.get(0).get("msg").contains("20 distinct automate.computer.id within 10m"),
                alerts.get(0).get("msg"));
    }

    @Test
    @Order(5)
    void deletingScriptHistory_raisesEvidenceRemoval() throws Exception {
        List<Cef> alerts = f.expect(3, "DELETE FROM h_scripts WHERE RunByUser = 'mallory' AND ComputerID < 5003");
        assertEquals(Set.of("evidence_removal"), rules(alerts));
    }

    @Test
    @Order(6)
    void routineWork_raisesNothing() throws Exception {
        f.expect(0, "UPDATE users SET Email = 'alice@new.example' WHERE Name = 'alice'",
                "INSERT INTO h_scripts (ScriptID, ComputerID, ScriptStatus, RunByUser) VALUES (3, 7, 3, 'alice'), "
                        + "(3, 8, 3, 'alice')",
                "INSERT INTO loginfailures (UserName, IPAddress, Reason) VALUES ('carol', '10.0.0.13', 'typo')");
    }
}
