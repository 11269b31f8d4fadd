package dev.rmmaudit.forwarder.source.automate;

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
    private final byte[] salt = new byte[16];

    /**
     * @param secretsByTable lower-case table name to lower-case secret column names: their values are replaced
     *     here, at conversion, by a salted SHA-256 (the salt lives only in this process), so a change stays
     *     visible and the value never reaches the rest of the forwarder
     */
    RecordConverter(String server, java.util.Map<String, java.util.Set<String>> secretsByTable) {
        this.server = server;
        this.secretsByTable = secretsByTable;
        new java.security.SecureRandom().nextBytes(salt);
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
                : secretsByTable.getOrDefault(table.toLowerCase(java.util.Locale.ROOT), java.util.Set.of());
        return new RowChange(op, server, db, table, row(value.getStruct("before"), secrets),
                row(value.getStruct("after"), secrets), Instant.ofEpochMilli(tsMs), position);
    }

    private static String text(Struct s, String field) {
        if (s.schema().field(field) == null) {
            return null;
        }
        Object v = s.get(field);
        return v == null ? null : v.toString();
    }

    private Map<String, Object> row(Struct s, java.util.Set<String> secrets) {
        if (s == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : s.schema().fields()) {
            Object v = value(f.schema(), s.get(f));
            out.put(f.name(), v != null && secrets.contains(f.name().toLowerCase(java.util.Locale.ROOT)) ? hash(v) : v);
        }
        return out;
    }

    private String hash(Object secret) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(secret instanceof byte[] b ? b : secret.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
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
