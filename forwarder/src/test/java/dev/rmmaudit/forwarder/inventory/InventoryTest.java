package dev.rmmaudit.forwarder.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.InventoryConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.config.StdoutSinkConfig;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ScreenConnect's part of the inventory, from User.xml rows as the source keeps them, through the mappings. */
class InventoryTest {
    private static Map<String, Object> user(String roles, boolean admin, boolean mfa) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("Roles", roles);
        u.put("IsAdministrator", Boolean.toString(admin));
        u.put("HasPasswordQuestion", Boolean.toString(mfa));
        u.put("PasswordQuestion", mfa ? "hmac:0123456789abcdef0123456789abcdef" : "");
        u.put("LastLoginDate", "2026-11-20T08:05:00");
        return u;
    }

    @Test
    void screenConnectRows_adminsMfaAndApproval_areTheRowsAndTheSummary() {
        Mappings mappings = MappingLoader.load(null);
        ForwarderConfig config = new ForwarderConfig(null, List.of(new StdoutSinkConfig("s", "cef")), null,
                Path.of("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(5),
                ScreenConnectSourceConfig.of(Path.of("App_Data"), Duration.ofSeconds(5), Path.of("state"), "end"),
                new InventoryConfig(Duration.ofDays(1), Set.of(), Set.of("admin")));
        Inventory inv = new Inventory(config, mappings, null, null, () -> null, java.time.Clock.systemUTC());
        Map<String, Map<String, Object>> users = new LinkedHashMap<>();
        users.put("admin", user("Control Administrator,", true, true));
        users.put("helpdesk", user("Helpdesk Lead,", true, false));
        users.put("alice", user("Control Host,", false, false));
        List<RowChange> rows = inv.screenConnectRows(users, Instant.parse("2026-12-05T06:00:00Z"), "inventory:1");
        assertEquals(4, rows.size());
        assertEquals("", rows.get(2).after().get("AdministratorApproved"), "not an administrator: nothing to judge");
        assertEquals("false", rows.get(1).after().get("AdministratorApproved"));
        assertEquals("true", rows.get(0).after().get("AdministratorApproved"));
        Map<String, Object> summary = rows.get(3).after();
        assertEquals("2", summary.get("Administrators"));
        assertEquals("helpdesk", summary.get("AdministratorsWithoutMfaNames"));
        assertEquals("helpdesk", summary.get("Unapproved"));

        EventMapper mapper = new EventMapper(mappings, new AutomateDirectory());
        List<SecurityEvent> events = rows.stream().flatMap(r -> mapper.map("screenconnect", r).stream()).toList();
        assertEquals(List.of("inventory-user", "inventory-user", "inventory-user", "inventory-summary"),
                events.stream().map(SecurityEvent::action).toList());
        assertEquals("false", events.get(1).attributes().get("inventory.mfa"));
        String all = events.toString();
        assertEquals(false, all.contains("hmac:0123"), "no digest of a secret in an inventory event");
    }
}
