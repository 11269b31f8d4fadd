package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {
    private static Properties of(Map<String, String> overrides) {
        AutomateSourceConfig c = new AutomateSourceConfig("mysql", "db", 3306, "forwarder", new Secret("pw"),
                "labtech", 5001, Path.of("state"), "disabled", "none", overrides);
        return DebeziumProperties.of(c, MappingLoader.load(null).forModule("automate"));
    }

    @Test
    void of_defaults_keepTheReadAheadShort() {
        Properties p = of(Map.of());
        int batch = Integer.parseInt(p.getProperty("max.batch.size"));
        int queue = Integer.parseInt(p.getProperty("max.queue.size"));
        assertTrue(queue > batch, "Debezium requires the queue to be larger than a batch");
        assertTrue(queue <= 2048, "a long queue fills the heap with records that outlive young collections");
    }

    @Test
    void of_operatorOverrides_win() {
        Properties p = of(Map.of("max.queue.size", "8192", "max.batch.size", "2048", "poll.interval.ms", "200"));
        assertEquals("8192", p.getProperty("max.queue.size"));
        assertEquals("2048", p.getProperty("max.batch.size"));
        assertEquals("200", p.getProperty("poll.interval.ms"), "latency against idle CPU: operations.md");
    }

    @Test
    void of_tables_areTheMappedOnesQuotedForTheIncludeList() {
        Properties p = of(Map.of());
        assertTrue(p.getProperty("table.include.list").contains("labtech\\.users"), p.getProperty(
                "table.include.list"));
        assertEquals("labtech", p.getProperty("database.include.list").replace("\\Q", "").replace("\\E", ""));
    }

    @Test
    void of_defaults_captureTheColumnsTheMappingsRead_withoutCase_andWholeRowsOfUsers() {
        String list = of(Map.of()).getProperty("column.include.list");
        java.util.List<java.util.regex.Pattern> patterns = java.util.Arrays.stream(list.split(","))
                .map(java.util.regex.Pattern::compile).toList();
        java.util.function.Predicate<String> captured = col -> patterns.stream().anyMatch(p -> p.matcher(col)
                .matches());
        for (String col : new String[] {"labtech.users.UserID", "labtech.users.email", "LABTECH.USERS.PASSWORD",
                "labtech.users.Last_Date", "labtech.userclasses.Permissions", "labtech.userclasses.PermissionsHigh",
                // users: a login is Last_Date moving alone, so every column is compared
                "labtech.users.OpenTickets", "labtech.users.MfaSecret"}) {
            assertTrue(captured.test(col), col + " in " + list);
        }
        for (String col : new String[] {"other.users.Email", "labtech.users2.Email", "labtech.userclasses.Flags",
                "labtech.userclasses.Description", "labtech.h_scripts.Parameters"}) {
            assertTrue(!captured.test(col), col + " not in " + list);
        }
    }

    @Test
    void of_operatorColumnList_replacesOurs() {
        Properties p = of(Map.of("column.exclude.list", "labtech\\.users\\.Secondary"));
        assertEquals(null, p.getProperty("column.include.list"), "Debezium refuses both lists");
        assertEquals(".*", of(Map.of("column.include.list", ".*")).getProperty("column.include.list"));
    }

    @Test
    void columnIncludeList_aColumnWithAComma_capturesEveryColumn() {
        java.util.List<dev.rmmaudit.forwarder.mapping.TableMapping> tables = MappingLoader.load(null)
                .forModule("automate");
        assertTrue(DebeziumProperties.columnIncludeList("labtech", tables) != null);
        dev.rmmaudit.forwarder.mapping.TableMapping users = tables.stream().filter(t -> t.table().equals("users"))
                .findFirst().orElseThrow();
        java.util.Map<String, String> columns = new java.util.LinkedHashMap<>(users.columns());
        columns.put("odd", "a,b");
        dev.rmmaudit.forwarder.mapping.TableMapping odd = new dev.rmmaudit.forwarder.mapping.TableMapping(
                users.source(), users.module(), users.table(), users.key(), users.role(), columns, users.secrets(),
                users.superAdminMask(), users.bitNames(), users.fields(), java.util.List.of(), users.labels(),
                users.optional(), users.truncate(), users.parse());
        assertEquals(null, DebeziumProperties.columnIncludeList("labtech", java.util.List.of(odd)),
                "a list entry cannot carry a comma: capture all rather than lose the column");
    }
}
