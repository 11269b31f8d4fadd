package dev.rmmaudit.kafka.connect;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Change records of Automate's {@code users} table shaped as Debezium's MySQL and MariaDB connectors make them
 * (envelope, source block, row structs), for the transform's tests and its sizing bench.
 */
public final class DebeziumRecords {
    public static final Schema ROW = SchemaBuilder.struct().name("srv.labtech.users.Value").optional()
            .field("UserID", Schema.INT32_SCHEMA).field("Name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("Email", Schema.OPTIONAL_STRING_SCHEMA).field("Password", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ClientID", Schema.OPTIONAL_STRING_SCHEMA).field("Permissions", Schema.OPTIONAL_STRING_SCHEMA)
            .field("Flags", Schema.OPTIONAL_INT32_SCHEMA).field("Last_Date", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("row", Schema.INT32_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    public static final Schema ENVELOPE = SchemaBuilder.struct().name("srv.labtech.users.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .build();

    private DebeziumRecords() {
    }

    /** A row of {@code users}; the columns not given are null. */
    public static Struct user(int id, String name, String email, String password, String lastDate) {
        return new Struct(ROW).put("UserID", id).put("Name", name).put("Email", email).put("Password", password)
                .put("Last_Date", lastDate);
    }

    /** An update of {@code table} from {@code before} to {@code after} at binlog position {@code pos}. */
    public static SourceRecord update(String table, Struct before, Struct after, long pos) {
        long ts = 1_796_000_000_000L + pos;
        Struct source = new Struct(SOURCE).put("db", "labtech").put("table", table).put("file", "binlog.000003")
                .put("pos", pos).put("row", 0).put("ts_ms", ts);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source)
                .put("op", "u");
        return new SourceRecord(Map.of("server", "srv"), Map.of("file", "binlog.000003", "pos", pos),
                "srv.labtech." + table, null, Schema.STRING_SCHEMA, Integer.toString(after.getInt32("UserID")),
                ENVELOPE, value, ts);
    }
}
