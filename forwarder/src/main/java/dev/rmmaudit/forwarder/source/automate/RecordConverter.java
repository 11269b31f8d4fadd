package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.source.ColumnMap;
import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium change record into a {@link RowChange}. Values keep their meaning, not Debezium's wire
 * form: DATETIME columns become {@link LocalDateTime}, DATE {@link LocalDate}, bytes {@code byte[]}; types
 * it does not know are passed on as they are, so a column nobody has seen before never breaks a row.
 */
final class RecordConverter {
    private final String server;
    private final java.util.Map<String, java.util.Set<String>> secretsByTable;
    /** The same, by the table name as the binlog spells it (one lookup per row, no lower-case copy). */
    private final java.util.Map<String, java.util.Set<String>> secretsOf = new java.util.HashMap<>();
    static final String SECRET = "[secret]";
    static final String SECRET_CHANGED = "[secret, changed]";

    /**
     * @param secretsByTable lower-case table name to its secret column names (in any case): their values are replaced
     *     here, at conversion (see {@link #maskSecrets}), so a change stays visible and the value never reaches
     *     the rest of the forwarder
     */
    RecordConverter(String server, java.util.Map<String, java.util.Set<String>> secretsByTable) {
        this.server = server;
        this.secretsByTable = secretsByTable;
    }

    /** The row change, or null for a record that is not one (tombstone, heartbeat, schema change). */
    RowChange convert(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return null;
        }
        RowChange.Op op = switch (value.getString("op")) {
            case "c", "r" -> RowChange.Op.CREATE;
            case "u" -> RowChange.Op.UPDATE;
            case "d" -> RowChange.Op.DELETE;
            default -> null;
        };
        if (op == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        String db = text(source, "db");
        String table = text(source, "table");
        long tsMs = source.getInt64("ts_ms") == null ? System.currentTimeMillis() : source.getInt64("ts_ms");
        String position = text(source, "file") + ":" + text(source, "pos") + ":" + text(source, "row");
        String gtid = text(source, "gtid");
        if (gtid != null) {
            position = position + " gtid " + gtid;
        }
        java.util.Set<String> secrets = table == null ? java.util.Set.of()
                : secretsOf.computeIfAbsent(table, t -> secretsByTable.getOrDefault(t.toLowerCase(
                        java.util.Locale.ROOT), java.util.Set.of()));
        LinkedHashMap<String, Object> before = row(value.getStruct("before"));
        LinkedHashMap<String, Object> after = row(value.getStruct("after"));
        maskSecrets(before, after, secrets);
        return new RowChange(op, server, db, table, ColumnMap.adopt(before), ColumnMap.adopt(after),
                Instant.ofEpochMilli(tsMs), position);
    }

    private static String text(Struct s, String field) {
        if (s.schema().field(field) == null) {
            return null;
        }
        Object v = s.get(field);
        return v == null ? null : v.toString();
    }

    private static LinkedHashMap<String, Object> row(Struct s) {
        if (s == null) {
            return new LinkedHashMap<>();
        }
        java.util.List<Field> fields = s.schema().fields();
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(fields.size() * 4 / 3 + 1);
        for (Field f : fields) {
            out.put(f.name(), value(f.schema(), s.get(f)));
        }
        return out;
    }

    /**
     * Replaces secret columns' values before anything else sees them: {@value #SECRET} in both images, and
     * {@value #SECRET_CHANGED} after an update that changed the value, so "it changed" survives and the value
     * does not. (Comparing here is cheaper than the salted hash per value it replaces, which a profile showed.)
     */
    static void maskSecrets(Map<String, Object> before, Map<String, Object> after, java.util.Set<String> secrets) {
        if (secrets.isEmpty()) {
            return;
        }
        java.util.Set<String> names = dev.rmmaudit.forwarder.mapping.ColumnSet.of(secrets); // any case; no copy if one
        for (Map.Entry<String, Object> e : after.entrySet()) {
            if (e.getValue() != null && names.contains(e.getKey())) {
                boolean changed = !before.isEmpty() && !sameValue(e.getValue(), before.get(e.getKey()));
                e.setValue(changed ? SECRET_CHANGED : SECRET);
            }
        }
        for (Map.Entry<String, Object> e : before.entrySet()) {
            if (e.getValue() != null && names.contains(e.getKey())) {
                e.setValue(SECRET);
            }
        }
    }


    private static boolean sameValue(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return java.util.Objects.equals(a, b);
    }

    static Object value(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Timestamp":
                    return LocalDateTime.ofInstant(Instant.ofEpochMilli((Long) v), ZoneOffset.UTC);
                case "io.debezium.time.MicroTimestamp":
                    return LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L),
                            (int) Math.floorMod((Long) v, 1_000_000L) * 1000, ZoneOffset.UTC);
                case "io.debezium.time.NanoTimestamp":
                    return LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000_000L),
                            (int) Math.floorMod((Long) v, 1_000_000_000L), ZoneOffset.UTC);
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay((Integer) v);
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay(Math.floorMod((Long) v, 86_400_000_000L) * 1000);
                case "io.debezium.time.Time":
                    return LocalTime.ofNanoOfDay(Math.floorMod((Integer) v, 86_400_000) * 1_000_000L);
                default:
                    break;
            }
        }
        if (v instanceof ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
        return v;
    }
}
