package dev.rmmaudit.forwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.encode.CefEncoder;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.RowChange.Op;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventMapperTest {
    private static final String SECRET = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
    private EventMapper mapper;
    private int pos;

    @BeforeEach
    void seed() {
        AutomateDirectory d = new AutomateDirectory();
        mapper = new EventMapper(MappingLoader.load(null), d);
        d.putClass(new AutomateDirectory.UserClass("1", "Admins", 2147483647L));
        d.putClass(new AutomateDirectory.UserClass("2", "Technicians", 62));
        d.putClass(new AutomateDirectory.UserClass("3", "Helpdesk", 6));
        d.putUser(new AutomateDirectory.User("3", "bob", "bob@msp.example", List.of("2")));
        d.putUser(new AutomateDirectory.User("4", "carol", "carol@msp.example", List.of("3")));
        d.putUser(new AutomateDirectory.User("5", "dave", "dave@msp.example", List.of("3", "2")));
    }

    private static Map<String, Object> user(String id, String name, String classes) {
        Map<String, Object> m = new HashMap<>();
        m.put("UserID", Integer.valueOf(id));
        m.put("Name", name);
        m.put("Email", name + "@msp.example");
        m.put("ClientID", classes);
        m.put("Secondary", "1,");
        m.put("Permissions", 0L);
        m.put("AuditLevel", 5);
        m.put("Password", SECRET);
        m.put("Last_Date", LocalDateTime.parse("2026-11-20T08:00:00"));
        m.put("SomeColumnNobodyKnows", new byte[] {1, 2});
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> row, String col, Object value) {
        Map<String, Object> m = new HashMap<>(row);
        m.put(col, value);
        return m;
    }

    private static Map<String, Object> userClass(String id, String name, long perms) {
        return new HashMap<>(Map.of("ClassID", Integer.valueOf(id), "Name", name, "Permissions", perms));
    }

    private List<SecurityEvent> map(String table, Op op, Map<String, Object> before, Map<String, Object> after) {
        return mapper.map("automate", new RowChange(op, "db:3306", "labtech", table, before, after,
                Instant.parse("2026-11-21T09:00:00Z"), "binlog.000001:" + (++pos * 100) + ":0"));
    }

    private static List<String> actions(List<SecurityEvent> events) {
        return events.stream().map(SecurityEvent::action).toList();
    }

    @Test
    void map_insertUser_isUserCreatedWithClassNames() {
        List<SecurityEvent> e = map("users", Op.CREATE, null, user("7", "erin", "2,"));
        assertEquals(List.of("user-created"), actions(e));
        assertEquals("erin", e.get(0).targetUserName());
        assertEquals("7", e.get(0).targetUserId());
        assertEquals(List.of("Technicians"), e.get(0).targetGroups());
        assertEquals(Boolean.FALSE, e.get(0).superAdminAfter());
        assertEquals("Automate user erin created", e.get(0).message());
    }

    @Test
    void map_insertUserIntoSuperAdminClass_isCreatedAndSuperAdminGranted() {
        List<SecurityEvent> e = map("users", Op.CREATE, null, user("8", "mallory", "1,"));
        assertEquals(List.of("user-created", "user-superadmin-granted"), actions(e));
        assertEquals(9, e.get(1).severity());
    }

    @Test
    void map_valueLongerThanAnyIndexKeeps_isCutAt8000CharactersNeverInsideACharacter() {
        Map<String, Object> b = user("3", "bob", "2,");
        String huge = "a".repeat(7_999) + "\uD83D\uDE00" + "b".repeat(40_000);
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Email", huge));
        String to = e.get(0).changes().get("Email").to();
        assertEquals("a".repeat(7_999) + "… (40002 more characters not forwarded)", to,
                "the emoji's pair is not split: the cut comes before it");
    }

    @Test
    void map_deleteUser_isUserDeleted() {
        List<SecurityEvent> e = map("users", Op.DELETE, user("3", "bob", "2,"), null);
        assertEquals(List.of("user-deleted"), actions(e));
        assertEquals("bob", e.get(0).targetUserName());
        assertEquals(null, mapper.directory().user("3"));
    }

    @Test
    void map_rename_isUserRenamedWithBothNames() {
        Map<String, Object> b = user("3", "bob", "2,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Name", "robert"));
        assertEquals(List.of("user-renamed"), actions(e));
        assertEquals(new SecurityEvent.Change("bob", "robert"), e.get(0).changes().get("Name"));
        assertEquals("Automate user bob renamed to robert", e.get(0).message());
    }

    @Test
    void map_emailChanged_isUserEmailChanged() {
        Map<String, Object> b = user("3", "bob", "2,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Email", "attacker@evil.example"));
        assertEquals(List.of("user-email-changed"), actions(e));
        assertEquals("attacker@evil.example", e.get(0).changes().get("Email").to());
    }

    @Test
    void map_passwordChanged_reportsTheFactButNeverTheValue() {
        Map<String, Object> b = user("3", "bob", "2,");
        String newHash = "c0ffee" + SECRET.substring(6);
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Password", newHash));
        assertEquals(List.of("user-password-changed"), actions(e));
        String cef = new CefEncoder("1").encode(e.get(0));
        String json = new EcsJsonEncoder().encode(e.get(0));
        for (String out : List.of(cef, json, e.get(0).toString())) {
            assertFalse(out.contains(SECRET), out);
            assertFalse(out.contains(newHash), out);
        }
        assertTrue(cef.contains("[redacted]"));
    }

    @Test
    void map_passwordColumnInOtherCase_isStillSecret() {
        Map<String, Object> b = user("3", "bob", "2,");
        b.remove("Password");
        b.put("password", SECRET);
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "password", "other"));
        assertEquals(List.of("user-password-changed"), actions(e));
        assertFalse(e.get(0).toString().contains(SECRET));
    }

    @Test
    void map_classAddedToList_isOneEventPerClassAndSuperAdminWhenAdmins() {
        Map<String, Object> b = user("3", "bob", "2,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "ClientID", "2,1,3,"));
        assertEquals(List.of("user-class-added", "user-class-added", "user-superadmin-granted"), actions(e));
        assertEquals(List.of("Admins"), e.get(0).targetGroups());
        assertEquals(List.of("Helpdesk"), e.get(1).targetGroups());
        assertNotEquals(e.get(0).id(), e.get(1).id());
        SecurityEvent granted = e.get(2);
        assertEquals(Boolean.FALSE, granted.superAdminBefore());
        assertEquals(Boolean.TRUE, granted.superAdminAfter());
        assertEquals("Admins", granted.attributes().get("super_admin.via"));
        assertTrue(mapper.directory().isSuperAdmin(mapper.directory().user("3").classIds()));
    }

    @Test
    void map_classRemovedFromList_isUserClassRemovedAndSuperAdminRevoked() {
        Map<String, Object> b = user("9", "root2", "1,2,");
        map("users", Op.CREATE, null, b);
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "ClientID", "2,"));
        assertEquals(List.of("user-class-removed", "user-superadmin-revoked"), actions(e));
    }

    @Test
    void map_superAdminBitSetOnClass_grantsEveryMemberOnce() {
        List<SecurityEvent> e = map("userclasses", Op.UPDATE, userClass("3", "Helpdesk", 6),
                userClass("3", "Helpdesk", 7));
        assertEquals(List.of("class-permissions-changed", "user-superadmin-granted", "user-superadmin-granted"),
                actions(e));
        assertEquals("SuperAdmin", e.get(0).attributes().get("permissions.gained"));
        assertEquals("none", e.get(0).attributes().get("permissions.lost"));
        assertEquals(List.of("carol", "dave"), e.subList(1, 3).stream().map(SecurityEvent::targetUserName).toList());
        assertNotEquals(e.get(1).id(), e.get(2).id());
        assertTrue(e.get(1).message().contains("carol"), e.get(1).message());
    }

    @Test
    void map_superAdminBitSetOnClassWhereMemberIsAlreadyAdmin_skipsThatMember() {
        mapper.directory().putUser(new AutomateDirectory.User("10", "olga", null, List.of("3", "1")));
        List<SecurityEvent> e = map("userclasses", Op.UPDATE, userClass("3", "Helpdesk", 6),
                userClass("3", "Helpdesk", 7));
        assertFalse(e.stream().anyMatch(x -> "olga".equals(x.targetUserName())));
    }

    @Test
    void map_permissionBitsLost_namesTheLostBits() {
        List<SecurityEvent> e = map("userclasses", Op.UPDATE, userClass("2", "Technicians", 62),
                userClass("2", "Technicians", 60));
        assertEquals(List.of("class-permissions-changed"), actions(e));
        assertEquals("bit1", e.get(0).attributes().get("permissions.lost"));
    }

    @Test
    void map_classCreatedRenamedDeleted_areTheirOwnActions() {
        assertEquals(List.of("class-created"), actions(map("userclasses", Op.CREATE, null,
                userClass("5", "Auditors", 2))));
        assertEquals(List.of("class-renamed"), actions(map("userclasses", Op.UPDATE, userClass("5", "Auditors", 2),
                userClass("5", "External auditors", 2))));
        assertEquals(List.of("class-deleted"), actions(map("userclasses", Op.DELETE,
                userClass("5", "External auditors", 2), null)));
    }

    @Test
    void map_superAdminClassDeleted_revokesMembers() {
        mapper.directory().putUser(new AutomateDirectory.User("11", "pat", null, List.of("1")));
        List<SecurityEvent> e = map("userclasses", Op.DELETE, userClass("1", "Admins", 2147483647L), null);
        assertEquals(List.of("class-deleted", "user-superadmin-revoked"), actions(e));
        assertEquals("pat", e.get(1).targetUserName());
    }

    @Test
    void map_auditLevelLoweredOrRaised_areDistinctActions() {
        Map<String, Object> b = user("4", "carol", "3,");
        assertEquals(List.of("user-audit-level-lowered"), actions(map("users", Op.UPDATE, b,
                with(b, "AuditLevel", 0))));
        Map<String, Object> low = with(b, "AuditLevel", 0);
        assertEquals(List.of("user-audit-level-raised"), actions(map("users", Op.UPDATE, low,
                with(low, "AuditLevel", 5))));
    }

    @Test
    void map_lastDateAdvanced_isLogin_butMovedBackIsNot() {
        Map<String, Object> b = user("3", "bob", "2,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Last_Date",
                LocalDateTime.parse("2026-11-21T08:01:00")));
        assertEquals(List.of("user-login"), actions(e));
        assertEquals("authentication", e.get(0).category());
        assertEquals("2026-11-21T08:01:00", e.get(0).changes().get("Last_Date").to());
        assertEquals(List.of(), actions(map("users", Op.UPDATE, b, with(b, "Last_Date",
                LocalDateTime.parse("2020-01-01T00:00:00")))));
    }

    @Test
    void map_unknownColumnChanged_producesNothing() {
        Map<String, Object> b = user("3", "bob", "2,");
        assertEquals(List.of(), map("users", Op.UPDATE, b, with(b, "OpenTickets", 12)));
        assertEquals(List.of(), map("users", Op.UPDATE, b, with(b, "SomeColumnNobodyKnows", new byte[] {9})));
    }

    @Test
    void map_updateWithEveryValueEqualButNotTheSameObject_producesNothing() {
        // two reads of the same row, as the binlog's before and after images are: equal values, other objects
        assertEquals(List.of(), map("users", Op.UPDATE, user("3", "bob", new String("2,")), user("3", "bob",
                new String("2,"))));
    }

    @Test
    void map_emailChangedClassesAsTheyWere_keepsTheUsersGroupsAndFlags() {
        Map<String, Object> b = user("5", "dave", "3,2,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Email", "d@msp.example"));
        assertEquals(List.of("user-email-changed"), actions(e));
        assertEquals(List.of("Helpdesk", "Technicians"), e.get(0).targetGroups());
        assertEquals(Boolean.FALSE, e.get(0).superAdminBefore());
        assertEquals(Boolean.FALSE, e.get(0).superAdminAfter());
        assertEquals(List.of("3", "2"), mapper.directory().user("5").classIds());
    }

    @Test
    void map_unmappedTable_producesNothing() {
        assertEquals(List.of(), map("computers", Op.CREATE, null, Map.of("ComputerID", 1)));
    }

    @Test
    void map_sameRowTwice_givesTheSameIds() {
        Map<String, Object> b = user("3", "bob", "2,");
        RowChange c = new RowChange(Op.UPDATE, "db", "labtech", "users", b, with(b, "Name", "x"), Instant.EPOCH,
                "binlog.000001:4:0");
        String first = mapper.map("automate", c).get(0).id();
        String again = mapper.map("automate", c).get(0).id();
        assertEquals(first, again);
    }

    @Test
    void map_rowMissingMappedColumns_stillMapsWhatItCan() {
        Map<String, Object> b = new HashMap<>(Map.of("UserID", 12, "Name", "zed"));
        List<SecurityEvent> e = map("users", Op.CREATE, null, b);
        assertEquals(List.of("user-created"), actions(e));
        assertEquals(List.of(), e.get(0).targetGroups());
    }

    @Test
    void map_tableNamedInOtherCase_usesItsMappingEveryTime() {
        Map<String, Object> b = user("3", "bob", "2,");
        for (String table : List.of("USERS", "Users", "USERS")) {
            List<SecurityEvent> e = mapper.map("automate", new RowChange(Op.UPDATE, "db", "labtech", table, b,
                    with(b, "Name", "bobby"), Instant.EPOCH, "binlog.000001:" + (++pos) + ":0"));
            assertEquals(List.of("user-renamed"), actions(e), table);
        }
        assertEquals(List.of(), mapper.map("screenconnect", new RowChange(Op.UPDATE, "db", "labtech", "users", b,
                with(b, "Name", "x"), Instant.EPOCH, "p")), "another module's tables are its own");
    }

    @Test
    void map_classListRewrittenInOtherOrder_isNoMembershipChange() {
        Map<String, Object> b = user("5", "dave", "3,2,");
        assertEquals(List.of(), actions(map("users", Op.UPDATE, b, with(b, "ClientID", "2,3"))));
    }

    @Test
    void map_lastDateMovedAlone_isALoginButWithAnEditItIsNot() {
        Map<String, Object> b = user("3", "bob", "2,");
        Map<String, Object> login = with(b, "Last_Date", LocalDateTime.parse("2026-11-21T09:00:00"));
        assertEquals(List.of("user-login"), actions(map("users", Op.UPDATE, b, login)));
        Map<String, Object> edit = with(with(b, "Last_Date", LocalDateTime.parse("2026-11-21T09:00:00")),
                "TicketLevel", 3);
        assertEquals(List.of(), actions(map("users", Op.UPDATE, b, edit)),
                "Last_Date is also 'last modified': an edit of a column no event names is no login");
        Map<String, Object> renamed = with(with(b, "Last_Date", LocalDateTime.parse("2026-11-21T09:00:00")),
                "Name", "robert");
        assertEquals(List.of("user-renamed"), actions(map("users", Op.UPDATE, b, renamed)));
    }

    @Test
    void map_permissionsChanged_isClientAccessNeverSuperAdmin() {
        Map<String, Object> b = with(user("3", "bob", "2,"), "Permissions", "0,");
        List<SecurityEvent> e = map("users", Op.UPDATE, b, with(b, "Permissions", "0,12,"));
        assertEquals(List.of("user-client-access-added"), actions(e));
        assertEquals("Automate user bob given access to client 12", e.get(0).message());
        assertEquals(Boolean.FALSE, e.get(0).superAdminAfter(), "the client list makes nobody SuperAdmin");
        assertEquals(List.of("user-client-access-removed"), actions(map("users", Op.UPDATE, with(b, "Permissions",
                "0,12,"), with(b, "Permissions", "12,"))));
    }

    @Test
    void map_flagsWebAccessAndTunnel_areNamedWhenTurnedOnOrOff() {
        Map<String, Object> b = with(user("3", "bob", "2,"), "Flags", 0);
        List<SecurityEvent> on = map("users", Op.UPDATE, b, with(b, "Flags", 3));
        assertEquals(List.of("user-flags-changed"), actions(on));
        assertEquals("Flags of Automate user bob changed: turned on WebAccess,HttpTunnel, turned off none",
                on.get(0).message());
        List<SecurityEvent> off = map("users", Op.UPDATE, with(b, "Flags", 3), with(b, "Flags", 1));
        assertEquals("Flags of Automate user bob changed: turned on none, turned off HttpTunnel", off.get(0).message());
    }

    @Test
    void map_classWithEveryBitOfUnsigned64_isSuperAdminWithTheValueAsMySqlShowsIt() {
        Map<String, Object> b = new HashMap<>(Map.of("ClassID", 3, "Name", "Helpdesk", "Permissions",
                new java.math.BigDecimal("6"), "PermissionsHigh", new java.math.BigDecimal("0")));
        Map<String, Object> a = new HashMap<>(b);
        a.put("Permissions", new java.math.BigDecimal("18446744073709551615"));
        a.put("PermissionsHigh", new java.math.BigDecimal("18446744073709551615"));
        List<SecurityEvent> e = map("userclasses", Op.UPDATE, b, a);
        assertEquals(List.of("class-permissions-changed", "class-plugin-permissions-changed", "user-superadmin-granted",
                "user-superadmin-granted"), actions(e));
        SecurityEvent granted = e.get(2);
        String cef = dev.rmmaudit.forwarder.encode.Encoder.forFormat("cef").encode(granted);
        assertTrue(cef.contains("18446744073709551615"), cef);
        assertFalse(cef.contains("=-1 ") || cef.contains("-1,") || cef.contains("to=-1"), cef);
        assertTrue(e.get(1).message().contains("from 0 to 18446744073709551615"), e.get(1).message());
    }
}
