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
        Properties p = of(Map.of("max.queue.size", "8192", "max.batch.size", "2048"));
        assertEquals("8192", p.getProperty("max.queue.size"));
        assertEquals("2048", p.getProperty("max.batch.size"));
    }

    @Test
    void of_tables_areTheMappedOnesQuotedForTheIncludeList() {
        Properties p = of(Map.of());
        assertTrue(p.getProperty("table.include.list").contains("labtech\\.users"), p.getProperty(
                "table.include.list"));
        assertEquals("labtech", p.getProperty("database.include.list").replace("\\Q", "").replace("\\E", ""));
    }
}
