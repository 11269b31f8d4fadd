package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every action of the users and userclasses mappings, through a real binlog, Debezium and a real TCP syslog
 * connection: each arrives exactly once with the right fields, and no Password value ever appears.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutomatePipelineIT {
    @TempDir
    static Path dir;
    static ForwarderFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ForwarderFixture.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private static List<String> actions(List<Cef> events) {
        return events.stream().map(e -> e.get("act")).toList();
    }

    @Test
    @Order(1)
    void login_lastDateAdvanced_isUserLogin() throws Exception {
        List<Cef> e = f.expect(1, "UPDATE users SET Last_Date = '2026-11-21 08:01:00' WHERE Name = 'alice'");
        assertEquals("user-login", e.get(0).get("act"));
        assertEquals("authentication", e.get(0).get("cat"));
        assertEquals("alice", e.get(0).get("duser"));
        assertEquals("2", e.get(0).get("duid"));
        assertEquals("Admins", e.get(0).get("cs1"));
        assertEquals(List.of("CEF:0", "ConnectWise", "Automate"), e.get(0).header().subList(0, 3));

        // Last_Date is also "last modified": an edit of a column no event names moves it, and is no login
        f.expect(0, "UPDATE users SET Last_Date = '2026-11-21 08:02:00', TicketLevel = TicketLevel + 1"
                + " WHERE Name = 'alice'");
        e = f.expect(1, "UPDATE users SET Last_Date = '2026-11-21 08:03:00', Flags = Flags | 1 WHERE Name = 'alice'");
        assertEquals("user-flags-changed", e.get(0).get("act"), "an edit that moves Last_Date is the edit");
        assertTrue(e.get(0).get("msg").contains("turned on WebAccess"), e.get(0).get("msg"));
    }

    @Test
    @Order(2)
    void insert_newTechnician_isUserCreated() throws Exception {
        List<Cef> e = f.expect(1, "INSERT INTO users (Name, Password, Email, ClientID, AuditLevel) VALUES "
                + "('erin', SHA2('erin-pw', 256), 'erin@msp.example', '2,', 5)");
        assertEquals("user-created", e.get(0).get("act"));
        assertEquals("erin", e.get(0).get("duser"));
        assertEquals("Technicians", e.get(0).get("cs1"));
        assertEquals("false", e.get(0).get("cs3"));
    }

    @Test
    @Order(3)
    void classAdded_admins_isClassAddedAndSuperAdminGranted() throws Exception {
        List<Cef> e = f.expect(2, "UPDATE users SET ClientID = '2,1,' WHERE Name = 'bob'");
        assertEquals(List.of("user-class-added", "user-superadmin-granted"), actions(e));
        assertEquals("Admins", e.get(0).get("cs1"));
        assertEquals("9", e.get(1).header().get(6));
        assertEquals("false", e.get(1).get("cs2"));
        assertEquals("true", e.get(1).get("cs3"));
    }

    @Test
    @Order(4)
    void classBitSet_helpdesk_grantsEachMemberOnce() throws Exception {
        List<Cef> e = f.expect(3, "UPDATE userclasses SET Permissions = Permissions | 1 WHERE Name = 'Helpdesk'");
        assertEquals(List.of("class-permissions-changed", "user-superadmin-granted", "user-superadmin-granted"),
                actions(e));
        assertTrue(e.get(0).get("cs5").contains("\"permissions.gained\":\"SuperAdmin\""), e.get(0).get("cs5"));
        assertEquals(Set.of("carol", "dave"), Set.of(e.get(1).get("duser"), e.get(2).get("duser")));
    }

    @Test
    @Order(5)
    void classBitCleared_helpdesk_revokesEachMember() throws Exception {
        List<Cef> e = f.expect(3, "UPDATE userclasses SET Permissions = 6 WHERE Name = 'Helpdesk'");
        assertEquals(List.of("class-permissions-changed", "user-superadmin-revoked", "user-superadmin-revoked"),
                actions(e));
    }

    @Test
    @Order(6)
    void classRemoved_isUserClassRemoved() throws Exception {
        List<Cef> e = f.expect(1, "UPDATE users SET ClientID = '3,' WHERE Name = 'dave'");
        assertEquals(List.of("user-class-removed"), actions(e));
        assertEquals("Read Only", e.get(0).get("cs1"));
    }

    @Test
    @Order(7)
    void rename_emailChange_andPasswordChange_areSeparateEvents() throws Exception {
        assertEquals(List.of("user-renamed"), actions(f.expect(1,
                "UPDATE users SET Name = 'robert' WHERE Name = 'bob'")));
        List<Cef> mail = f.expect(1, "UPDATE users SET Email = 'attacker@evil.example' WHERE Name = 'robert'");
        assertEquals("user-email-changed", mail.get(0).get("act"));
        assertTrue(mail.get(0).get("cs4").contains("attacker@evil.example"));
        List<Cef> pw = f.expect(1, "UPDATE users SET Password = SHA2('Winter2026!', 256) WHERE Name = 'carol'");
        assertEquals("user-password-changed", pw.get(0).get("act"));
        assertTrue(pw.get(0).get("cs4").contains("[redacted]"));
    }

    @Test
    @Order(8)
    void auditLevel_loweredThenRaised_areDistinctActions() throws Exception {
        assertEquals(List.of("user-audit-level-lowered"), actions(f.expect(1,
                "UPDATE users SET AuditLevel = 0 WHERE Name = 'carol'")));
        assertEquals(List.of("user-audit-level-raised"), actions(f.expect(1,
                "UPDATE users SET AuditLevel = 5 WHERE Name = 'carol'")));
    }

    @Test
    @Order(9)
    void classLifecycle_createdRenamedDeleted() throws Exception {
        assertEquals(List.of("class-created"), actions(f.expect(1,
                "INSERT INTO userclasses (ClassID, Name, Permissions) VALUES (9, 'Auditors', 2)")));
        assertEquals(List.of("class-renamed"), actions(f.expect(1,
                "UPDATE userclasses SET Name = 'External auditors' WHERE ClassID = 9")));
        assertEquals(List.of("class-deleted"), actions(f.expect(1, "DELETE FROM userclasses WHERE ClassID = 9")));
    }

    @Test
    @Order(10)
    void delete_formerEmployee_isUserDeleted() throws Exception {
        List<Cef> e = f.expect(1, "DELETE FROM users WHERE Name = 'frank'");
        assertEquals("user-deleted", e.get(0).get("act"));
        assertEquals("frank", e.get(0).get("duser"));
    }

    @Test
    @Order(11)
    void unmappedColumnsAndNewColumns_produceNothingAndBreakNothing() throws Exception {
        f.expect(0, "UPDATE users SET OpenTickets = OpenTickets + 1");
        f.expect(0, "ALTER TABLE users ADD COLUMN MfaSecret VARCHAR(64) NULL",
                "UPDATE users SET MfaSecret = 'JBSWY3DPEHPK3PXP' WHERE Name = 'alice'");
        assertEquals(List.of("user-renamed"), actions(f.expect(1,
                "UPDATE users SET Name = 'alice2' WHERE Name = 'alice'")));
    }

    @Test
    @Order(12)
    void hostileNames_areEscapedAndCannotForgeFields() throws Exception {
        List<Cef> e = f.expect(1, "INSERT INTO users (Name, Email, ClientID) VALUES "
                + "('x suser=admin|\\\\\\nmallory', 'm@x', '4,')");
        assertEquals("x suser=admin|\\\nmallory", e.get(0).get("duser"));
        assertEquals(null, e.get(0).get("suser"));
    }

    @Test
    @Order(13)
    void remoteCommand_queuedAndAnswered_outputOnlyInPart() throws Exception {
        List<Cef> e = f.expect(1, "INSERT INTO commands (CmdID, ComputerID, Command, Parameters)"
                + " VALUES (501, 12, 2, 'cmd.exe!!! /c whoami')");
        assertEquals("remote-command-queued", e.get(0).get("act"));
        assertTrue(e.get(0).get("msg").endsWith("queued on computer 12: cmd.exe!!! /c whoami"), e.get(0).get("msg"));
        e = f.expect(1, "UPDATE commands SET Output = CONCAT('nt authority/system ', REPEAT('x', 5000),"
                + " 'TAIL-NEVER-SENT'), Status = 3 WHERE CmdID = 501");
        assertEquals("remote-command-output", e.get(0).get("act"));
        String all = e.get(0).toString();
        assertTrue(e.get(0).get("msg").contains("more characters not forwarded"), e.get(0).get("msg"));
        assertFalse(all.contains("TAIL-NEVER-SENT"), "the output is never forwarded whole");
    }

    @Test
    @Order(14)
    void mysqlAccountStatements_becomeEvents_andNoPasswordOrHashIsKeptAnywhere() throws Exception {
        String pw = "Sup3r-Secret-Pw-" + System.nanoTime();
        List<Cef> e = f.expect(1, "CREATE USER 'acct_x'@'%' IDENTIFIED BY '" + pw + "'");
        assertEquals("mysql-account-created", e.get(0).get("act"));
        assertEquals("acct_x@%", e.get(0).get("duser"));
        e = f.expect(1, "GRANT ALL PRIVILEGES ON *.* TO 'acct_x'@'%' WITH GRANT OPTION");
        assertEquals("mysql-privileges-granted", e.get(0).get("act"));
        assertTrue(e.get(0).get("msg").contains("granted ALL PRIVILEGES,GRANT OPTION on *.*"), e.get(0).get("msg"));
        String hash = null;
        try (Statement st = f.root.createStatement();
                ResultSet rs = st.executeQuery("SELECT authentication_string FROM mysql.user WHERE User = 'acct_x'")) {
            if (rs.next()) {
                hash = rs.getString(1);
            }
        }
        e = f.expect(1, "ALTER USER 'acct_x'@'%' IDENTIFIED BY '" + pw + "-2'");
        assertEquals("mysql-account-altered", e.get(0).get("act"));
        e = f.expect(1, "DROP USER 'acct_x'@'%'");
        assertEquals("mysql-account-dropped", e.get(0).get("act"));

        List<String> secrets = new ArrayList<>(List.of(pw));
        if (hash != null && hash.length() > 8) {
            secrets.add(hash.substring(1, Math.min(hash.length(), 24)));
        }
        for (String m : List.copyOf(f.receiver.messages())) {
            for (String s : secrets) {
                assertFalse(m.contains(s), "an account secret reached an event: " + m);
            }
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(f.config().stateDir())) {
            for (java.nio.file.Path p : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String text = java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String s : secrets) {
                    assertFalse(text.contains(s), p + " keeps an account secret");
                }
                assertFalse(text.contains("IDENTIFIED BY"), p + " keeps an account statement");
            }
        }
    }

    @Test
    @Order(99)
    void allMessages_uniqueIds_andNoPasswordValueAnywhere() throws Exception {
        List<String> all = f.receiver.messages();
        Set<String> ids = new HashSet<>();
        for (String m : all) {
            assertTrue(ids.add(dev.rmmaudit.forwarder.testing.CefParser.parse(m).get("externalId")), "duplicate " + m);
        }
        List<String> secrets = new ArrayList<>();
        try (Statement st = f.root.createStatement();
                ResultSet rs = st.executeQuery("SELECT Password FROM users WHERE Password <> ''")) {
            while (rs.next()) {
                secrets.add(rs.getString(1));
            }
        }
        secrets.add("Winter2026!");
        assertFalse(secrets.isEmpty());
        for (String m : all) {
            for (String s : secrets) {
                assertFalse(m.contains(s), "a Password value leaked: " + m);
                assertFalse(m.contains(s.substring(0, Math.min(16, s.length()))), "part of a Password leaked: " + m);
            }
        }
        assertEquals(0, f.forwarder().pipeline().deadLettered());
    }
}
