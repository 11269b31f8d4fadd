package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountSafeSchemaHistoryTest {
    @TempDir
    Path dir;

    @Test
    void clean_historyAnOlderVersionWrote_dropsTheAccountStatementsOnly() throws Exception {
        Path f = dir.resolve("schema-history.dat");
        String table = "{\"source\":{\"server\":\"rmmaudit\"},\"position\":{\"file\":\"binlog.000001\",\"pos\":4},"
                + "\"databaseName\":\"labtech\",\"ddl\":\"CREATE TABLE t (id INT)\",\"tableChanges\":[]}";
        String password = "{\"source\":{\"server\":\"rmmaudit\"},\"position\":{\"file\":\"binlog.000001\",\"pos\":9},"
                + "\"databaseName\":\"\",\"ddl\":\"SET PASSWORD FOR `alice`@`%`="
                + "'*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'\",\"tableChanges\":[]}";
        Files.writeString(f, table + "\n" + password + "\n" + table + "\n");
        assertEquals(1, AccountSafeSchemaHistory.clean(f));
        String kept = Files.readString(f);
        assertFalse(kept.contains("2470C0C06DEE42FD"), kept);
        assertEquals(2, kept.lines().count());
        assertEquals(0, AccountSafeSchemaHistory.clean(f), "nothing left to clean");
    }

    @Test
    void ddlFilter_keepsDebeziumsEntriesButLetsAccountStatementsThrough() {
        String filter = DebeziumProperties.ddlFilterKeepingAccountStatements();
        assertTrue(filter.contains("rds_heartbeat2"), "Debezium's other entries stay");
        assertFalse(filter.contains("GRANT|REVOKE"), filter);
        assertFalse(filter.contains("(USER|ROLE)"), filter);
        java.util.List<java.util.regex.Pattern> patterns = java.util.Arrays.stream(filter.split(","))
                .map(r -> java.util.regex.Pattern.compile(r, java.util.regex.Pattern.CASE_INSENSITIVE)).toList();
        for (String sql : new String[] {"GRANT SELECT ON *.* TO a@b", "CREATE USER a@b", "DROP USER a@b"}) {
            assertTrue(patterns.stream().noneMatch(p -> p.matcher(sql).matches()), sql + " is let through");
        }
    }
}
