package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLoaderTest {
    @TempDir
    Path dir;

    private static TreeSet<String> table(String... columns) {
        TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        out.addAll(List.of(columns));
        return out;
    }

    @Test
    void missingColumns_logicalKeyAndConditionColumns_eachWarnedWithWhereItIsNamed_derivedFactsNot()
            throws Exception {
        Files.createDirectories(dir.resolve("automate"));
        Files.writeString(dir.resolve("automate/users.yml"), """
                table: users
                key: UserID
                role: users
                secret: [PasswordHash]
                columns: {id: UserID, name: Name, email: Mail, classes: ClientID}
                events:
                  - action: user-password-changed
                    when: {changed: PasswordHash}
                  - action: user-email-changed
                    when: {changed: email}
                  - action: user-became-superadmin
                    when: {became: superAdmin}
                """);
        TableMapping m = MappingLoader.load(dir).find("automate", "users").orElseThrow();
        // an Automate version whose users table renamed Email and Password, with its names in another case
        List<String> warnings = DirectoryLoader.missingColumns(m, table("userid", "NAME", "ClientID", "Email",
                "Password"));
        assertEquals(2, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("table users has no column Mail (logical 'email' in "), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("table users has no column PasswordHash (named in "), warnings.get(1));
        assertTrue(warnings.stream().allMatch(w -> w.endsWith("; events that need it will not fire")),
                warnings::toString);
        assertEquals(List.of(), DirectoryLoader.missingColumns(m, table("UserID", "Name", "Mail", "ClientID",
                "PasswordHash", "Extra")), "a table with every column read, and more, gives no warning (superAdmin is "
                + "derived, not a column)");
    }

    @Test
    void missingColumns_keyAndLogicalColumnInOtherCases_warnedOnceWithItsLogicalName() throws Exception {
        Files.createDirectories(dir.resolve("automate"));
        Files.writeString(dir.resolve("automate/userclasses.yml"), """
                table: userclasses
                key: classid
                role: userclasses
                columns: {id: ClassID, name: Name, permissions: Permissions}
                events:
                  - action: class-created
                    when: created
                """);
        TableMapping m = MappingLoader.load(dir).find("automate", "userclasses").orElseThrow();
        List<String> warnings = DirectoryLoader.missingColumns(m, table("Name", "Permissions"));
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).startsWith("table userclasses has no column classid (logical 'id' in "),
                warnings.get(0));
    }
}
