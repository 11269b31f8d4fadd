package dev.rmmaudit.forwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingLoaderTest {
    @TempDir
    Path dir;

    /** Writes {@code yaml} as the Automate mapping file {@code name} in the test's mappings directory. */
    private void automateMapping(String name, String yaml) throws java.io.IOException {
        Files.createDirectories(dir.resolve("automate"));
        Files.writeString(dir.resolve("automate/" + name), yaml);
    }

    @Test
    void load_builtIns_coverUsersAndUserClasses() {
        Mappings m = MappingLoader.load(null);
        assertEquals("users", m.withRole("automate", "users").orElseThrow().table());
        assertEquals("userclasses", m.withRole("automate", "userclasses").orElseThrow().table());
        assertTrue(m.find("automate", "USERS").orElseThrow().isSecret("password"));
    }

    @Test
    void load_userFileForSameTable_replacesTheBuiltIn() throws Exception {
        automateMapping("users.yml", """
                table: users
                key: UserID
                role: users
                columns: {id: UserID, name: UserName, classes: Classes}
                events:
                  - action: user-created
                    when: created
                """);
        Mappings m = MappingLoader.load(dir);
        TableMapping users = m.find("automate", "users").orElseThrow();
        assertEquals("UserName", users.column("name"));
        assertEquals(1, users.events().size());
        assertTrue(m.find("automate", "userclasses").isPresent(), "other built-ins stay");
    }

    @Test
    void mappedColumns_keyLogicalAndConditionColumns_allNamed() throws Exception {
        automateMapping("logins.yml", """
                table: logins
                key: LoginID
                columns: {user: UserName, kind: LoginType}
                events:
                  - action: login-failed
                    when: created
                    where: {kind: 2}
                  - action: login-secret-changed
                    when: {changed: Token}
                  - action: login-user-changed
                    when: {changed: user}
                """);
        TableMapping m = MappingLoader.load(dir).find("automate", "logins").orElseThrow();
        assertEquals(java.util.Set.of("LoginID", "UserName", "LoginType", "Token"), m.mappedColumns(),
                "the columns a missing-column check must look for: a condition on a column itself needs it too");
    }

    @Test
    void mappedColumns_placeholdersSecretsAndOtherCases_namedOnceWithoutSpecialPlaceholders() throws Exception {
        automateMapping("audit.yml", """
                table: audit
                key: AuditID
                secret: [ApiKey]
                fields:
                  targetUser: "{UserName}"
                  attributes: {audit.host: "{Host}"}
                events:
                  - action: audit-row
                    when: created
                    where: {Kind: 2}
                    message: "{auditid} by {username} for {table}: {Detail.label} {before.Old} {after.New} {class}"
                  - action: audit-key-changed
                    when: {changed: apikey}
                """);
        TableMapping m = MappingLoader.load(dir).find("automate", "audit").orElseThrow();
        java.util.Set<String> lower = new java.util.HashSet<>();
        m.mappedColumns().forEach(c -> lower.add(c.toLowerCase(java.util.Locale.ROOT)));
        assertEquals(java.util.Set.of("auditid", "apikey", "username", "host", "kind", "detail", "old", "new"), lower,
                "every column read, each once in whatever case it is first written; not {table} or {class}");
        assertEquals(m.mappedColumns().size(), lower.size());
        assertTrue(m.capturedColumns().containsAll(m.mappedColumns()));
        assertTrue(m.capturedColumns().contains("class"), "a {class} no condition fills reads a column 'class'");
        assertTrue(m.capturedColumns().contains("table"));
    }

    @Test
    void mappedColumns_builtInUsers_areTheColumnsItReads() {
        TableMapping m = MappingLoader.load(null).find("automate", "users").orElseThrow();
        assertEquals(java.util.Set.of("UserID", "Name", "Email", "ClientID", "Secondary", "Permissions", "Flags",
                "AuditLevel", "Last_Date", "Password"), m.mappedColumns());
        assertTrue(m.capturesAllColumns(), "a login is Last_Date moving alone: every column is compared");
    }

    @Test
    void load_userFileForNewTable_isAdded() throws Exception {
        automateMapping("useraudit.yml", """
                table: useraudit
                key: AuditID
                events:
                  - action: audit-row-deleted
                    when: deleted
                    category: configuration
                    severity: 8
                    message: "Audit row {AuditID} deleted from {table}"
                """);
        assertTrue(MappingLoader.load(dir).find("automate", "useraudit").isPresent());
    }

    @Test
    void load_brokenMapping_reportsEveryProblemWithFileAndLine() throws Exception {
        Files.createDirectories(dir.resolve("automate"));
        Path f = dir.resolve("automate/bad.yml");
        Files.writeString(f, """
                table: users
                key: UserID
                role: owners
                columns: {id: UserID}
                events:
                  - action: Bad Action
                    when: {grew: Name}
                    category: weird
                    severity: 11
                    message: "hello {nosuch}"
                    colour: red
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> MappingLoader.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains(f + ":3 role: must be one of users, userclasses, none, not 'owners'"), m);
        assertTrue(m.contains("events[0].action: must be lower-case letters"), m);
        assertTrue(m.contains("unknown condition 'grew'; allowed: changed, increased"), m);
        assertTrue(m.contains("events[0].category: must be an ECS category"), m);
        assertTrue(m.contains("events[0].severity: must be a whole number from 0 to 10, not 11"), m);
        assertTrue(m.contains("unknown placeholder {nosuch}"), m);
        assertTrue(m.contains(f + ":11 events[0].colour: unknown key"), m);
    }

    @Test
    void load_missingDirectory_isAClearError() {
        ConfigException e = assertThrows(ConfigException.class, () -> MappingLoader.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("mappings directory does not exist"), e.getMessage());
    }
}
