package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Records built as the connector builds them: an envelope of before, after, source and op. */
class RecordConverterTest {
    private static final Schema USERS = SchemaBuilder.struct().name("s.labtech.users.Value").optional()
            .field("UserID", Schema.INT32_SCHEMA)
            .field("Password", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("Name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    /** The same table after {@code ALTER TABLE} put a column before the password. */
    private static final Schema USERS_ALTERED = SchemaBuilder.struct().name("s.labtech.users.Value").optional()
            .field("UserID", Schema.INT32_SCHEMA)
            .field("Team", Schema.OPTIONAL_STRING_SCHEMA)
            .field("Password", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("Name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("row", Schema.INT32_SCHEMA)
            .build();

    private final RecordConverter converter = new RecordConverter("db:3306", Map.of("users", Set.of("PASSWORD")));

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().name("s.labtech.users.Envelope")
                .field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
    }

    private static SourceRecord record(String op, Schema rowSchema, Struct before, Struct after) {
        return recordIn(envelope(rowSchema), op, before, after);
    }

    private static SourceRecord recordIn(Schema schema, String op, Struct before, Struct after) {
        Struct source = new Struct(SOURCE).put("db", "labtech").put("table", "users").put("ts_ms", 1_700_000_000_000L)
                .put("file", "binlog.000002").put("pos", 4711L).put("row", 1);
        Struct value = new Struct(schema).put("before", before).put("after", after).put("source", source)
                .put("op", op);
        return new SourceRecord(Map.of(), Map.of(), "s.labtech.users", schema, value);
    }

    private static Struct user(int id, String password, String name) {
        return new Struct(USERS).put("UserID", id)
                .put("Password", password == null ? null : ByteBuffer.wrap(password.getBytes()))
                .put("Name", name);
    }

    @Test
    void convert_updateChangingThePassword_hidesBothValuesAndMarksTheChange() {
        RowChange c = converter.convert(record("u", USERS, user(3, "old-hash", "bob"), user(3, "new-hash", "bob")));
        assertEquals(RowChange.Op.UPDATE, c.op());
        assertEquals(RecordConverter.SECRET, c.before().get("Password"));
        assertEquals(RecordConverter.SECRET_CHANGED, c.after().get("password"));
        assertEquals(3, c.after().get("UserID"));
        assertEquals("bob", c.before().get("NAME"));
        assertEquals(List.of("UserID", "Password", "Name"), List.copyOf(c.after().keySet()));
    }

    @Test
    void convert_updateKeepingThePasswordOrInsert_isNotMarkedChanged() {
        RowChange same = converter.convert(record("u", USERS, user(3, "h", "bob"), user(3, "h", "robert")));
        assertEquals(RecordConverter.SECRET, same.after().get("Password"));
        RowChange created = converter.convert(record("c", USERS, null, user(4, "h", "eve")));
        assertEquals(RowChange.Op.CREATE, created.op());
        assertTrue(created.before().isEmpty());
        assertEquals(RecordConverter.SECRET, created.after().get("Password"));
        RowChange deleted = converter.convert(record("d", USERS, user(4, "h", "eve"), null));
        assertEquals(RowChange.Op.DELETE, deleted.op());
        assertEquals(RecordConverter.SECRET, deleted.before().get("Password"));
        assertTrue(deleted.after().isEmpty());
        RowChange noPassword = converter.convert(record("u", USERS, user(5, null, "a"), user(5, null, "b")));
        assertNull(noPassword.after().get("Password"), "a null secret stays null");
    }

    @Test
    void convert_tableAltered_readsTheNewColumnsAndStillHidesTheSecret() {
        converter.convert(record("u", USERS, user(3, "a", "bob"), user(3, "b", "bob")));
        Struct before = new Struct(USERS_ALTERED).put("UserID", 3).put("Team", "red")
                .put("Password", ByteBuffer.wrap(new byte[] {1})).put("Name", "bob");
        Struct after = new Struct(USERS_ALTERED).put("UserID", 3).put("Team", "blue")
                .put("Password", ByteBuffer.wrap(new byte[] {2})).put("Name", "bob");
        RowChange c = converter.convert(record("u", USERS_ALTERED, before, after));
        assertEquals("blue", c.after().get("Team"));
        assertEquals("red", c.before().get("team"));
        assertEquals(RecordConverter.SECRET_CHANGED, c.after().get("Password"));
        assertEquals(RecordConverter.SECRET, c.before().get("Password"));
        RowChange old = converter.convert(record("u", USERS, user(3, "a", "x"), user(3, "a", "y")));
        assertFalse(old.after().containsKey("Team"), "rows of the old schema keep their own columns");
        assertEquals(RecordConverter.SECRET, old.after().get("Password"));
    }

    @Test
    void convert_imagesOfTwoShapes_comparesTheSecretByName() {
        Schema twoShapes = SchemaBuilder.struct().name("s.labtech.users.Envelope")
                .field("before", USERS).field("after", USERS_ALTERED).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct same = new Struct(USERS_ALTERED).put("UserID", 3).put("Team", "t")
                .put("Password", ByteBuffer.wrap("h".getBytes())).put("Name", "bob");
        RowChange c = converter.convert(recordIn(twoShapes, "u", user(3, "h", "bob"), same));
        assertEquals(RecordConverter.SECRET, c.after().get("Password"), "same value: not a change");
        Struct changed = new Struct(USERS_ALTERED).put("UserID", 3).put("Team", "t")
                .put("Password", ByteBuffer.wrap("new".getBytes())).put("Name", "bob");
        RowChange d = converter.convert(recordIn(twoShapes, "u", user(3, "h", "bob"), changed));
        assertEquals(RecordConverter.SECRET_CHANGED, d.after().get("Password"));
        assertEquals(RecordConverter.SECRET, d.before().get("Password"));
    }

    @Test
    void convert_namedTemporalAndByteColumns_becomeJavaValues_othersPassAsTheyAre() {
        Schema row = SchemaBuilder.struct().optional()
                .field("ts", SchemaBuilder.int64().name("io.debezium.time.Timestamp").build())
                .field("early", SchemaBuilder.int64().name("io.debezium.time.Timestamp").build())
                .field("micro", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build())
                .field("nano", SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").build())
                .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
                .field("microTime", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("time", SchemaBuilder.int32().name("io.debezium.time.Time").build())
                .field("blob", Schema.BYTES_SCHEMA)
                .field("level", SchemaBuilder.string().name("io.debezium.data.Enum").build())
                .field("gone", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
                .build();
        Struct after = new Struct(row).put("ts", 1_700_000_000_123L).put("early", -1L).put("micro", -1L).put("nano", 1_500_000_000L)
                .put("day", 19_000).put("microTime", 3_600_000_001L).put("time", 61_000)
                .put("blob", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xFF})).put("level", "High");
        RowChange c = converter.convert(record("c", row, null, after));
        Map<String, Object> a = c.after();
        assertEquals(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000), a.get("ts"));
        assertEquals(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000), a.get("early"));
        assertEquals(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), a.get("micro"));
        assertEquals(LocalDateTime.of(1970, 1, 1, 0, 0, 1, 500_000_000), a.get("nano"));
        assertEquals(LocalDate.ofEpochDay(19_000), a.get("day"));
        assertEquals(LocalTime.of(1, 0, 0, 1_000), a.get("microTime"));
        assertEquals(LocalTime.of(0, 1, 1), a.get("time"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, (byte[]) a.get("blob"));
        assertEquals("High", a.get("level"));
        assertTrue(a.containsKey("gone"));
        assertNull(a.get("gone"));
    }

    @Test
    void convert_timeColumnHoldingSomethingElseOrOutOfRange_isPassedOnAsItIs() {
        Schema row = SchemaBuilder.struct().optional()
                .field("odd", SchemaBuilder.string().name("io.debezium.time.Timestamp").build())
                .field("day", SchemaBuilder.int64().name("io.debezium.time.Date").build())
                .field("far", SchemaBuilder.int64().name("io.debezium.time.Date").build())
                .build();
        Struct after = new Struct(row).put("odd", "2024-01-01 00:00:00").put("day", 1L).put("far", Long.MAX_VALUE);
        RowChange c = converter.convert(record("c", row, null, after));
        assertEquals("2024-01-01 00:00:00", c.after().get("odd"));
        assertEquals(Long.MAX_VALUE, c.after().get("far"), "out of LocalDate's range");
        assertEquals(LocalDate.of(1970, 1, 2), c.after().get("day"), "any whole number of days");
    }

    @Test
    void convert_timeBeyondADay_isMySqlsTextNotWrappedIntoADay() {
        Schema row = SchemaBuilder.struct().optional()
                .field("least", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("day", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("half", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("micro", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("lastOfDay", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("millis", SchemaBuilder.int32().name("io.debezium.time.Time").build())
                .field("huge", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .build();
        Struct after = new Struct(row).put("least", -3_020_399_000_000L).put("day", 86_400_000_000L)
                .put("half", 90_000_500_000L).put("micro", -1L).put("lastOfDay", 86_399_999_999L).put("millis", -1000)
                .put("huge", Long.MIN_VALUE);
        Map<String, Object> a = converter.convert(record("c", row, null, after)).after();
        assertEquals("-838:59:59", a.get("least"));
        assertEquals("24:00:00", a.get("day"));
        assertEquals("25:00:00.500", a.get("half"));
        assertEquals("-00:00:00.000001", a.get("micro"));
        assertEquals(LocalTime.of(23, 59, 59, 999_999_000), a.get("lastOfDay"));
        assertEquals("-00:00:01", a.get("millis"));
        assertEquals(Long.MIN_VALUE, a.get("huge"), "beyond any TIME: passed on as it is");
    }

    @Test
    void convert_bitsAndStructures_becomeTheirNumberAndTextOfTheirFields() {
        Schema point = SchemaBuilder.struct().name("io.debezium.data.geometry.Geometry").optional()
                .field("wkb", Schema.BYTES_SCHEMA).field("srid", Schema.OPTIONAL_INT32_SCHEMA).build();
        Schema row = SchemaBuilder.struct().optional()
                .field("b12", SchemaBuilder.bytes().name("io.debezium.data.Bits").build())
                .field("b64", SchemaBuilder.bytes().name("io.debezium.data.Bits").build())
                .field("none", SchemaBuilder.bytes().name("io.debezium.data.Bits").build())
                .field("geo", point)
                .build();
        byte[] all = new byte[8];
        java.util.Arrays.fill(all, (byte) 0xFF);
        Struct after = new Struct(row).put("b12", new byte[] {0x01, 0x0A}).put("b64", ByteBuffer.wrap(all))
                .put("none", new byte[0])
                .put("geo", new Struct(point).put("wkb", new byte[] {1, (byte) 0xAB}));
        Map<String, Object> a = converter.convert(record("c", row, null, after)).after();
        assertEquals(0xA01L, a.get("b12"), "lowest byte first, as the connector gives them");
        assertEquals(new java.math.BigInteger("18446744073709551615"), a.get("b64"));
        assertEquals(0L, a.get("none"));
        assertEquals("{wkb=01ab, srid=null}", a.get("geo"));
    }

    @Test
    void convert_sameAndChangedTimesRowAfterRow_eachRowHasItsOwn() {
        Schema row = SchemaBuilder.struct().optional()
                .field("seen", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
                .build();
        long[] times = {1_000L, 1_000L, 2_000L, 1_000L, -5L};
        Long[] previous = {null};
        for (long t : times) {
            Struct before = new Struct(row).put("seen", previous[0]);
            Struct after = new Struct(row).put("seen", t);
            RowChange c = converter.convert(record("u", row, before, after));
            assertEquals(LocalDateTime.ofEpochSecond(Math.floorDiv(t, 1000), (int) Math.floorMod(t, 1000) * 1_000_000,
                    java.time.ZoneOffset.UTC), c.after().get("seen"), "after " + t);
            assertEquals(previous[0] == null ? null : LocalDateTime.ofEpochSecond(Math.floorDiv(previous[0], 1000),
                    (int) Math.floorMod(previous[0], 1000) * 1_000_000, java.time.ZoneOffset.UTC),
                    c.before().get("seen"), "before " + t);
            previous[0] = t;
        }
    }

    @Test
    void convert_source_givesTablePositionAndTime() {
        RowChange c = converter.convert(record("u", USERS, user(3, "a", "b"), user(3, "a", "c")));
        assertEquals("labtech", c.database());
        assertEquals("users", c.table());
        assertEquals("db:3306", c.server());
        assertEquals("binlog.000002:4711:1", c.position());
        assertEquals(1_700_000_000_000L, c.time().toEpochMilli());
    }

    @Test
    void convert_recordThatIsNoRowChange_isNull() {
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        assertNull(converter.convert(new SourceRecord(Map.of(), Map.of(), "h", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L))));
        assertNull(converter.convert(new SourceRecord(Map.of(), Map.of(), "t", null, null)));
        assertNull(converter.convert(record("t", USERS, null, null)), "a truncate is not a row change");
    }
}
