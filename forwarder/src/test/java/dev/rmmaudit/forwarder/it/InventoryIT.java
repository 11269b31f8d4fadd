package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.InventoryConfig;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inventory on a real Automate database: at the first start one event per user with their classes, effective
 * SuperAdmin, AuditLevel and remote access, a summary, and the findings' alerts; not again on a restart within
 * the interval.
 */
class InventoryIT {
    @TempDir
    Path dir;

    private static List<CefParser.Cef> of(ForwarderFixture f, String act) {
        return List.copyOf(f.receiver.messages()).stream().map(CefParser::parse).filter(c -> act.equals(c.get("act")))
                .toList();
    }

    @Test
    void firstStart_sendsTheInventoryAndItsFindings_restartWithinTheIntervalDoesNot() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir)) {
            f.sql("UPDATE users SET Flags = 3 WHERE Name = 'alice'");
            f.select("all").inventory(new InventoryConfig(Duration.ofDays(1), Set.of("alice"), Set.of()));
            f.startForwarder();
            f.receiver.await(1, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (of(f, "inventory-summary").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000); // the findings' alerts follow their events
            long users;
            try (var st = f.root.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM users")) {
                rs.next();
                users = rs.getLong(1);
            }
            List<CefParser.Cef> rows = of(f, "inventory-user");
            assertEquals(users, rows.size(), "one event per user");
            CefParser.Cef alice = rows.stream().filter(c -> "alice".equals(c.get("duser"))).findFirst().orElseThrow();
            assertTrue(alice.get("msg").contains("SuperAdmin true"), alice.get("msg"));
            assertTrue(alice.get("msg").contains("web access true, HTTP tunnel true"), alice.get("msg"));
            CefParser.Cef summary = of(f, "inventory-summary").get(0);
            assertTrue(summary.get("msg").contains(users + " users"), summary.get("msg"));
            List<CefParser.Cef> unapproved = of(f, "automate_inventory_unapproved_superadmin");
            assertTrue(unapproved.stream().noneMatch(c -> "alice".equals(c.get("duser"))), "alice is approved");
            assertTrue(unapproved.stream().anyMatch(c -> "root".equals(c.get("duser"))), "root is a SuperAdmin not"
                    + " on the list: " + unapproved);
            assertTrue(of(f, "automate_inventory_low_audit_level").stream().anyMatch(c -> "root".equals(
                    c.get("duser"))), "root's AuditLevel is 0");
            assertTrue(Files.exists(dir.resolve("state").resolve("inventory.json")));

            f.stopForwarder();
            int before = f.receiver.messages().size();
            f.startForwarder();
            Thread.sleep(2_000);
            assertEquals(before, f.receiver.messages().size(), "no second inventory within the interval");
        }
    }
}
