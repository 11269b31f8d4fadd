package dev.rmmaudit.forwarder.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonTest {
    @TempDir
    Path dir;

    private static TableInfo table(String name, List<String> key, String... columnsAndTypes) {
        List<TableInfo.Column> cols = new java.util.ArrayList<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            cols.add(new TableInfo.Column(columnsAndTypes[i], columnsAndTypes[i + 1]));
        }
        return new TableInfo(name, cols, key, 10);
    }

    @Test
    void reasons_namesAndColumns_tellCandidatesFromOtherTables() {
        assertEquals(List.of("its name", "a user column (Who) beside a time (WhenDone) and an address (RemoteHost)"),
                Candidates.reasons(table("ws_access", List.of("AccessID"), "AccessID", "bigint", "Who", "varchar(50)",
                        "WhenDone", "timestamp", "RemoteHost", "varchar(80)")));
        assertEquals(List.of("a user column (operator) beside a time (at) and an address (client_ip)"),
                Candidates.reasons(table("tbl", List.of(), "operator", "varchar(9)", "at", "datetime", "client_ip",
                        "varchar(45)")), "columns alone make a candidate");
        assertEquals(List.of(), Candidates.reasons(table("computers", List.of("ComputerID"), "ComputerID", "int",
                "ScriptID", "int", "LastContact", "datetime")), "ScriptID is no address, computers no candidate");
    }

    @Test
    void of_oddColumnNames_loadsAsAValidMapping() throws Exception {
        TableInfo t = table("Weird Audit-Log", List.of(), "class", "varchar(9)", "User Name", "varchar(50)",
                "2fa_secret", "varchar(64)", "When", "datetime", "IPAddress", "varchar(45)");
        Path module = dir.resolve("automate");
        Files.createDirectories(module);
        Files.writeString(module.resolve("weird.yml"), Skeleton.of(t, "labtech"));
        TableMapping m = MappingLoader.load(dir).find("automate", "Weird Audit-Log").orElseThrow();
        assertEquals("class", m.key(), "no primary key: the first column, with a TODO");
        assertTrue(m.isSecret("2fa_secret"));
        assertEquals("class", m.columns().get("class2"), "a reserved placeholder name is renamed");
        assertEquals("User Name", m.columns().get("userName"));
        assertTrue(m.events().size() == 2);
    }
}
