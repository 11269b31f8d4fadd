package dev.rmmaudit.forwarder.source.automate;

import dev.rmmaudit.forwarder.mapping.ColumnSet;
import dev.rmmaudit.forwarder.source.ColumnMap;
import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium change record into a {@link RowChange}. Values keep their meaning, not Debezium's wire
 * form: DATETIME columns become {@link LocalDateTime}, DATE {@link LocalDate}, TIME {@link LocalTime} (or, beyond a
 * day, MySQL's text such as {@code -838:59:59}), BIT(n) the number it holds, bytes {@code byte[]}, structures
 * (GEOMETRY) text of their fields; types it does not know are passed on as they are, so a column nobody has
 * seen before never breaks a row.
 */
public final class RecordConverter {
    /** Above this many table shapes (one per table, another after each ALTER TABLE) the cache starts over. */
    private static final int MAX_SHAPES = 1024;

    private final String server;
    private final Map<String, Set<String>> secretsByTable;
    /**
     * How rows of each table schema are read, by the schema object: the connector hands every row of a table
     * the same schema until the table changes, and a schema belongs to one table (its name carries the table's),
     * so the secret columns found for it hold for every row. Only the engine's handler thread converts, one
     * batch at a time.
     */
    private final Map<Schema, Shape> shapes = new IdentityHashMap<>();
    static final String SECRET = "[secret]";
    static final String SECRET_CHANGED = "[secret, changed]";

    /**
     * @param secretsByTable lower-case table name to its secret column names (in any case): their values are replaced
     *     here, at conversion (see {@link #maskSecrets}), so a change stays visible and the value never reaches
     *     the rest of the forwarder
     */
    public RecordConverter(String server, Map<String, Set<String>> secretsByTable) {
        this.server = server;
        this.secretsByTable = secretsByTable;
    }

    /** What a column's value is turned into, from its schema's name. */
    private enum Kind { TIMESTAMP, MICRO_TIMESTAMP, NANO_TIMESTAMP, DATE, MICRO_TIME, TIME, BITS, AS_IS }

    /**
     * The rows of one table schema: their column names (shared by every row), fields, value kinds and the
     * indexes of the secret columns; and per time column the last value converted (an update's two images, and
     * rows one after another, mostly carry the same dates: making a LocalDateTime each time was the handler's
     * top frame).
     */
    private record Shape(ColumnMap.Columns columns, Field[] fields, Kind[] kinds, int[] secrets, Object[] lastRaw,
            Object[] lastValue) {
    }

    /** The source block's fields, looked up once per source schema. */
    private Schema sourceSchema;
    private Field dbField;
    private Field tableField;
    private Field fileField;
    private Field posField;
    private Field rowField;
    private Field gtidField;
    private Field tsField;

    /**
     * The row change, or null for a record that is not one (tombstone, heartbeat, a schema change of a table). An
     * account statement ({@code CREATE USER}, {@code GRANT}, ...) is a row of {@value AccountStatements#TABLE}.
     */
    public RowChange convert(SourceRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return null;
        }
        if (value.schema().field("op") == null) {
            return value.schema().field("ddl") == null ? null : accountChange(value);
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
        if (source.schema() != sourceSchema) {
            Schema ss = source.schema();
            dbField = ss.field("db");
            tableField = ss.field("table");
            fileField = ss.field("file");
            posField = ss.field("pos");
            rowField = ss.field("row");
            gtidField = ss.field("gtid");
            tsField = ss.field("ts_ms");
            sourceSchema = ss;
        }
        String db = text(source, dbField);
        String table = text(source, tableField);
        Object ts = tsField == null ? null : source.get(tsField);
        long tsMs = ts instanceof Number n ? n.longValue() : System.currentTimeMillis();
        String position = text(source, fileField) + ":" + text(source, posField) + ":" + text(source, rowField);
        String gtid = text(source, gtidField);
        if (gtid != null) {
            position = position + " gtid " + gtid;
        }
        Struct beforeRow = value.getStruct("before");
        Struct afterRow = value.getStruct("after");
        Shape beforeShape = beforeRow == null ? null : shape(beforeRow.schema(), table);
        Shape afterShape = afterRow == null ? null : shape(afterRow.schema(), table);
        Object[] before = values(beforeRow, beforeShape);
        Object[] after = values(afterRow, afterShape);
        maskSecrets(before, beforeShape, after, afterShape);
        return new RowChange(op, server, db, table, row(beforeShape, before), row(afterShape, after),
                Instant.ofEpochMilli(tsMs), position);
    }

    private RowChange accountChange(Struct value) {
        String ddl = value.getString("ddl");
        java.util.Optional<AccountStatements.Parsed> parsed = AccountStatements.parse(ddl);
        if (parsed.isEmpty()) {
            return null;
        }
        Struct source = value.getStruct("source");
        Object ts = source.schema().field("ts_ms") == null ? null : source.get("ts_ms");
        String position = source.get("file") + ":" + source.get("pos") + ":0";
        Object db = value.schema().field("databaseName") == null ? null : value.get("databaseName");
        return new RowChange(RowChange.Op.CREATE, server, db == null ? "" : db.toString(), AccountStatements.TABLE,
                Map.of(), parsed.get().row(), Instant.ofEpochMilli(ts instanceof Number n ? n.longValue()
                : System.currentTimeMillis()), position);
    }

    private static String text(Struct s, Field field) {
        if (field == null) {
            return null;
        }
        Object v = s.get(field);
        return v == null ? null : v.toString();
    }

    private Shape shape(Schema schema, String table) {
        Shape shape = shapes.get(schema);
        if (shape == null) {
            if (shapes.size() >= MAX_SHAPES) {
                shapes.clear();
            }
            List<Field> fields = schema.fields();
            Kind[] kinds = new Kind[fields.size()];
            List<String> names = new ArrayList<>(fields.size());
            Set<String> secretNames = table == null ? Set.of()
                    : secretsByTable.getOrDefault(table.toLowerCase(Locale.ROOT), Set.of());
            Set<String> secretSet = ColumnSet.of(secretNames); // any case
            List<Integer> secrets = new ArrayList<>();
            for (int i = 0; i < kinds.length; i++) {
                Field f = fields.get(i);
                kinds[i] = kind(f.schema().name());
                names.add(f.name());
                if (secretSet.contains(f.name())) {
                    secrets.add(i);
                }
            }
            shape = new Shape(ColumnMap.Columns.of(names), fields.toArray(new Field[0]), kinds,
                    secrets.stream().mapToInt(Integer::intValue).toArray(), new Object[kinds.length],
                    new Object[kinds.length]);
            shapes.put(schema, shape);
        }
        return shape;
    }

    private static Object[] values(Struct s, Shape shape) {
        if (s == null) {
            return null;
        }
        Field[] fields = shape.fields();
        Kind[] kinds = shape.kinds();
        Object[] out = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            Object raw = s.get(fields[i]);
            if (kinds[i] == Kind.AS_IS || raw == null) {
                out[i] = asIs(raw);
            } else if (raw.equals(shape.lastRaw()[i])) {
                out[i] = shape.lastValue()[i]; // java.time values are immutable: one object serves both
            } else {
                out[i] = value(kinds[i], raw);
                shape.lastRaw()[i] = raw;
                shape.lastValue()[i] = out[i];
            }
        }
        return out;
    }

    private static Map<String, Object> row(Shape shape, Object[] values) {
        return shape == null ? ColumnMap.of(null) : ColumnMap.of(shape.columns(), values);
    }

    /**
     * Replaces secret columns' values before anything else sees them: {@value #SECRET} in both images, and
     * {@value #SECRET_CHANGED} after an update that changed the value, so "it changed" survives and the value
     * does not. (Comparing here is cheaper than the salted hash per value it replaces, which a profile showed.)
     * An image that is absent (before an insert, after a delete) is null with its shape.
     */
    private static void maskSecrets(Object[] before, Shape beforeShape, Object[] after, Shape afterShape) {
        if (after != null) {
            for (int i : afterShape.secrets()) {
                if (after[i] != null) {
                    boolean changed = before != null && !sameValue(after[i], beforeShape == afterShape ? before[i]
                            : valueOf(before, beforeShape, afterShape.columns().name(i)));
                    after[i] = changed ? SECRET_CHANGED : SECRET;
                }
            }
        }
        if (before != null) {
            for (int i : beforeShape.secrets()) {
                if (before[i] != null) {
                    before[i] = SECRET;
                }
            }
        }
    }

    /** (The connector gives both images of a row one schema; this keeps two different ones right as well.) */
    private static Object valueOf(Object[] values, Shape shape, String column) {
        int i = shape.columns().indexOf(column);
        return i < 0 ? null : values[i];
    }

    private static boolean sameValue(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return java.util.Objects.equals(a, b);
    }

    private static Kind kind(String schemaName) {
        if (schemaName == null) {
            return Kind.AS_IS;
        }
        return switch (schemaName) {
            case "io.debezium.time.Timestamp" -> Kind.TIMESTAMP;
            case "io.debezium.time.MicroTimestamp" -> Kind.MICRO_TIMESTAMP;
            case "io.debezium.time.NanoTimestamp" -> Kind.NANO_TIMESTAMP;
            case "io.debezium.time.Date" -> Kind.DATE;
            case "io.debezium.time.MicroTime" -> Kind.MICRO_TIME;
            case "io.debezium.time.Time" -> Kind.TIME;
            case "io.debezium.data.Bits" -> Kind.BITS;
            default -> Kind.AS_IS;
        };
    }

    /**
     * A value of no type converted here (or null): as it is, but a byte buffer as its bytes and a structure (a
     * GEOMETRY column's, or any a later connector adds) as text of its fields, so that no value reaches an event
     * as an object's identity ({@code Struct{wkb=[B@6db60596}}).
     */
    private static Object asIs(Object v) {
        if (v instanceof ByteBuffer b) {
            return bytes(b);
        }
        if (v instanceof Struct s) {
            return structText(s, new StringBuilder()).toString();
        }
        return v;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** {name=value, ...} of a structure's fields in order, bytes as hex, nested structures alike. */
    private static StringBuilder structText(Struct s, StringBuilder out) {
        out.append('{');
        List<Field> fields = s.schema().fields();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(fields.get(i).name()).append('=');
            Object v = asIs(s.get(fields.get(i)));
            if (v instanceof byte[] b) {
                out.append(java.util.HexFormat.of().formatHex(b));
            } else {
                out.append(v);
            }
        }
        return out.append('}');
    }

    /**
     * A BIT(n) column's value, which the connector gives as its bytes lowest first, as the number MySQL shows for
     * {@code b + 0}: a Long, a BigInteger for 64 bits that do not fit one. BIT(1) arrives as a Boolean.
     */
    private static Object bits(Object v) {
        byte[] b = v instanceof ByteBuffer buf ? bytes(buf) : v instanceof byte[] a ? a : null;
        if (b == null) {
            return v;
        }
        byte[] bigEndian = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            bigEndian[b.length - 1 - i] = b[i];
        }
        java.math.BigInteger n = new java.math.BigInteger(1, bigEndian);
        return n.bitLength() < 64 ? (Object) n.longValue() : n;
    }

    /**
     * A converted type's value: bits as a number, times as java.time; a time that is not a number or out of
     * range is passed on as it is.
     */
    private static Object value(Kind kind, Object v) {
        if (kind == Kind.BITS) {
            return bits(v);
        }
        if (!(v instanceof Number n)) {
            return v;
        }
        try {
            return time(kind, n.longValue());
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return v;
        }
    }

    private static Object time(Kind kind, long x) {
        switch (kind) {
            case TIMESTAMP: // not ofInstant: on Java 17 it builds a ZoneRules per call, a profile's top frame
                return LocalDateTime.ofEpochSecond(Math.floorDiv(x, 1000L),
                        (int) Math.floorMod(x, 1000L) * 1_000_000, ZoneOffset.UTC);
            case MICRO_TIMESTAMP:
                return LocalDateTime.ofEpochSecond(Math.floorDiv(x, 1_000_000L),
                        (int) Math.floorMod(x, 1_000_000L) * 1000, ZoneOffset.UTC);
            case NANO_TIMESTAMP:
                return LocalDateTime.ofEpochSecond(Math.floorDiv(x, 1_000_000_000L),
                        (int) Math.floorMod(x, 1_000_000_000L), ZoneOffset.UTC);
            case DATE:
                return LocalDate.ofEpochDay(x);
            case MICRO_TIME:
                return timeOfDay(x);
            case TIME:
                return timeOfDay(Math.multiplyExact(x, 1000L));
            default:
                return x;
        }
    }

    /**
     * A TIME column's value: a time of day when it is one, else (MySQL's TIME is an interval from -838:59:59 to
     * 838:59:59) the text MySQL shows, such as {@code -838:59:59} or {@code 25:00:00.500}, never wrapped into a day.
     */
    private static Object timeOfDay(long micros) {
        if (micros >= 0 && micros < 86_400_000_000L) {
            return LocalTime.ofNanoOfDay(micros * 1000);
        }
        StringBuilder out = new StringBuilder(micros < 0 ? "-" : "");
        long m = Math.absExact(micros);
        long seconds = m / 1_000_000;
        int fraction = (int) (m % 1_000_000);
        long hours = seconds / 3600;
        out.append(hours < 10 ? "0" : "").append(hours).append(':');
        two(out, (int) (seconds / 60 % 60)).append(':');
        two(out, (int) (seconds % 60));
        if (fraction != 0) {
            String f = Integer.toString(1_000_000 + fraction).substring(1);
            out.append('.').append(fraction % 1000 == 0 ? f.substring(0, 3) : f);
        }
        return out.toString();
    }

    private static StringBuilder two(StringBuilder out, int n) {
        return out.append(n < 10 ? "0" : "").append(n);
    }
}
