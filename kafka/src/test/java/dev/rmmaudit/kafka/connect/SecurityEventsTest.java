package dev.rmmaudit.kafka.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The transform on change records shaped as Debezium's MySQL/MariaDB connectors make them. */
class SecurityEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema ROW = DebeziumRecords.ROW;

    private static SecurityEvents transform(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("server.name", "automate-1"));
        config.putAll(extra);
        SecurityEvents t = new SecurityEvents();
        t.configure(config);
        return t;
    }

    private static Struct row(String email, String password) {
        return DebeziumRecords.user(7, "carol", email, password, "2026-12-05 10:00:00");
    }

    private static SourceRecord change(String table, Struct before, Struct after) {
        return DebeziumRecords.update(table, before, after, 4711L);
    }

    @Test
    void apply_emailAndPasswordChanged_oneRecordWithBothEventsAndNoHash() throws Exception {
        SecurityEvents t = transform(Map.of());

        SourceRecord out = t.apply(change("users", row("old@example.com", "*HASH-BEFORE"),
                row("new@example.com", "*HASH-AFTER")));

        assertEquals("rmm-audit.changes", out.topic());
        assertEquals("automate-1", out.key(), "keyed by server: its events stay in order");
        JsonNode events = JSON.readTree((String) out.value());
        assertTrue(events.isArray());
        assertEquals(java.util.Set.of("user-email-changed", "user-password-changed"), java.util.Set.of(
                events.get(0).at("/event/action").asText(), events.get(1).at("/event/action").asText()));
        assertEquals("new@example.com", events.get(0).at("/automate/changes/Email/to").asText(
                events.get(1).at("/automate/changes/Email/to").asText()));
        assertEquals(2, out.headers().lastWithName(SecurityEvents.EVENTS_HEADER).value());
        assertFalse(out.value().toString().contains("HASH"), "a password hash in the output: " + out.value());
    }

    @Test
    void apply_formatCef_oneLinePerEvent() {
        SecurityEvents t = transform(Map.of("format", "cef"));

        SourceRecord out = t.apply(change("users", row("old@example.com", "*H"), row("new@example.com", "*H")));

        String[] lines = ((String) out.value()).split("\n");
        assertEquals(1, lines.length);
        assertTrue(lines[0].startsWith("CEF:0|ConnectWise|Automate|"), lines[0]);
        assertTrue(lines[0].contains("user-email-changed"), lines[0]);
    }

    @Test
    void apply_tableWithoutMapping_dropsTheRecord() {
        SecurityEvents t = transform(Map.of());

        assertNull(t.apply(change("computers", row("a@example.com", "*H"), row("b@example.com", "*H"))));
    }

    @Test
    void apply_changeWithoutEvent_dropsTheRecord() {
        SecurityEvents t = transform(Map.of());

        // nothing a mapping reports changed (the same row twice)
        assertNull(t.apply(change("users", row("a@example.com", "*H"), row("a@example.com", "*H"))));
    }

    @Test
    void apply_recordTheMappingsCannotRead_goesToTheDeadLetterTopicWithReasonAndWithoutTheRow() throws Exception {
        SecurityEvents t = transform(Map.of("dead.letter.topic", "dlq"));
        Schema broken = SchemaBuilder.struct().name("srv.labtech.users.Envelope").field("before", ROW)
                .field("after", ROW).field("op", Schema.STRING_SCHEMA).build(); // no source block
        Struct value = new Struct(broken).put("after", row("x@example.com", "*SECRET-HASH")).put("op", "c");
        SourceRecord in = new SourceRecord(Map.of(), Map.of("pos", 9L), "srv.labtech.users", null, null, null, broken,
                value, 0L);

        SourceRecord out = t.apply(in);

        assertEquals("dlq", out.topic());
        JsonNode what = JSON.readTree((String) out.value());
        assertEquals("srv.labtech.users", what.get("topic").asText());
        assertEquals(9, what.at("/sourceOffset/pos").asInt());
        assertFalse(what.get("reason").asText().isEmpty());
        assertEquals(what.get("reason").asText(), out.headers().lastWithName(SecurityEvents.REASON_HEADER).value());
        assertFalse(out.value().toString().contains("SECRET") || out.value().toString().contains("x@example.com"),
                "the row in a dead letter: " + out.value());
    }

    @Test
    void configure_withoutServerName_failsNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SecurityEvents().configure(Map.of()));

        assertTrue(e.getMessage().contains("server.name"), e.getMessage());
    }

    @Test
    void configure_unreachableDirectory_failsWithoutThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> transform(Map.of(
                "database.hostname", "127.0.0.1", "database.port", "1", "database.user", "u",
                "database.password", "s3cret-pw", "database.ssl.mode", "disabled")));

        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    }
}
