package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Account statements as MySQL 8 and MariaDB write them to the binlog: read, and no password ever kept. */
class AccountStatementsTest {
    private static AccountStatements.Parsed parse(String sql) {
        return AccountStatements.parse(sql).orElseThrow(() -> new AssertionError("not read: " + sql));
    }

    private static void noSecret(String sql, String... secrets) {
        String everything = AccountStatements.parse(sql).map(p -> p.toString() + p.row()).orElse("")
                + AccountStatements.describe(sql);
        for (String s : secrets) {
            assertFalse(everything.contains(s), s + " leaked from " + sql + ": " + everything);
        }
    }

    @Test
    void parse_createUserWithPassword_readsTheAccountAndDropsThePassword() {
        String sql = "CREATE USER 'tech9'@'%' IDENTIFIED BY 'Winter2026!'";
        AccountStatements.Parsed p = parse(sql);
        assertEquals("CREATE USER", p.statement());
        assertEquals(List.of("tech9@%"), p.accounts());
        assertEquals("true", p.row().get("AnyHost"));
        noSecret(sql, "Winter2026!");
    }

    @Test
    void parse_mysql8HashedForms_dropTheHash() {
        String sql = "CREATE USER IF NOT EXISTS `svc`@`10.0.%` IDENTIFIED WITH 'caching_sha2_password' AS"
                + " '$A$005$THISISAHASHxxxxxxxxxxxxxxxxxxxxxxxxxxxx' REQUIRE NONE PASSWORD EXPIRE DEFAULT";
        AccountStatements.Parsed p = parse(sql);
        assertEquals(List.of("svc@10.0.%"), p.accounts());
        assertEquals("false", p.row().get("AnyHost"));
        noSecret(sql, "THISISAHASH", "caching_sha2");
        noSecret("ALTER USER 'svc'@'10.0.%' IDENTIFIED WITH mysql_native_password AS '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
                "2470C0C06DEE42FD");
    }

    @Test
    void parse_mariaDbForms_setPasswordAndIdentifiedByPassword() {
        String set = "SET PASSWORD FOR 'alice'@'localhost' = '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'";
        assertEquals("SET PASSWORD", parse(set).statement());
        assertEquals(List.of("alice@localhost"), parse(set).accounts());
        noSecret(set, "2470C0C06DEE42FD");
        noSecret("SET PASSWORD FOR bob@'%' = PASSWORD('plain-text-pw')", "plain-text-pw");
        String grant = "GRANT SELECT ON `labtech`.* TO 'x'@'%' IDENTIFIED BY PASSWORD '*AAAABBBBCCCCDDDDEEEE'";
        assertEquals(List.of("SELECT"), parse(grant).privileges());
        noSecret(grant, "AAAABBBB");
        noSecret("CREATE USER a@b IDENTIFIED VIA ed25519 USING PASSWORD('s3cr3t-phrase')", "s3cr3t-phrase");
    }

    @Test
    void parse_grantAndRevoke_readPrivilegesAndObject() {
        AccountStatements.Parsed all = parse("GRANT ALL PRIVILEGES ON *.* TO 'mallory'@'%' WITH GRANT OPTION");
        assertEquals(List.of("ALL PRIVILEGES", "GRANT OPTION"), all.privileges());
        assertEquals("*.*", all.on());
        assertEquals("true", all.row().get("Powerful"));
        AccountStatements.Parsed cols = parse("GRANT SELECT (Name, Email), REPLICATION SLAVE ON labtech.users TO tech@h");
        assertEquals(List.of("SELECT", "REPLICATION SLAVE"), cols.privileges());
        assertEquals("labtech.users", cols.on());
        AccountStatements.Parsed revoke = parse("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'mallory'@'%'");
        assertEquals("REVOKE", revoke.statement());
        assertEquals(List.of("ALL PRIVILEGES", "GRANT OPTION"), revoke.privileges());
        assertEquals(List.of("mallory@%"), revoke.accounts());
        assertEquals("false", parse("GRANT SELECT ON labtech.* TO r@localhost").row().get("Powerful"));
    }

    @Test
    void parse_renameAndDrop_readEveryAccount() {
        assertEquals(List.of("old@%", "new@10.%"), parse("RENAME USER 'old'@'%' TO 'new'@'10.%'").accounts());
        assertEquals(List.of("a@%", "b@localhost"), parse("DROP USER IF EXISTS 'a'@'%', 'b'@'localhost'").accounts());
        assertEquals(List.of("bob@%"), parse("CREATE USER bob").accounts());
    }

    @Test
    void parse_otherStatements_areNoAccountStatements() {
        for (String sql : new String[] {"CREATE TABLE users (id INT)", "ALTER TABLE users ADD COLUMN x INT",
                "SET NAMES utf8mb4", "DROP TABLE t", "INSERT INTO users VALUES (1)", ""}) {
            assertFalse(AccountStatements.isAccountStatement(sql), sql);
        }
        assertTrue(AccountStatements.isAccountStatement("/* comment */ grant select on a.* to b"));
    }
}
