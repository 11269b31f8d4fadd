package io.debezium.pipeline.source.spi;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.debezium.data.SchemaUtil;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Takes the place of Debezium 3.5.0's class of this name (the shaded jar leaves theirs out): the same text, made
 * without building a Jackson {@code ObjectMapper} for every change.
 *
 * <p>Debezium's streaming metrics render every change into a summary for the JMX attribute {@code LastEvent},
 * whether anyone reads it or not, and render the key with {@link SchemaUtil#asDetailedString(Struct)}, which
 * constructs a new {@code ObjectMapper} each time only to quote strings: a quarter of the binlog reader
 * thread's CPU in our profiles (debezium/dbz#2492, fixed upstream after 3.5.0). Keys whose values are all
 * strings, numbers, booleans or null (primary keys, almost always) are written here with jackson-core's
 * stateless string encoder, exactly as that method writes them; any other key still goes through
 * {@code SchemaUtil}. {@code EventFormatterTest} compares this class with Debezium's own, loaded from its jar,
 * and fails once Debezium is no longer 3.5.0, so that an upgrade drops this class. See docs/decisions.md.
 */
class EventFormatter {
    private static final String DELIMITER = ", ";

    private Map<String, String> sourcePosition;
    private Object key;
    private Struct value;
    private final StringBuilder string = new StringBuilder();

    EventFormatter() {
    }

    public EventFormatter sourcePosition(Map<String, String> sourcePosition) {
        this.sourcePosition = sourcePosition;
        return this;
    }

    public EventFormatter key(Object key) {
        this.key = key;
        return this;
    }

    public EventFormatter value(Struct value) {
        this.value = value;
        return this;
    }

    @Override
    public String toString() {
        if (value != null) {
            String operation = value.getString("op");
            if (operation != null) {
                printSimpleValue("operation", operation);
                string.append(DELIMITER);
            }
        }
        if (sourcePosition != null) {
            string.append("position: {");
            sourcePosition.forEach((k, v) -> {
                printSimpleValue(k, v);
                string.append(DELIMITER);
            });
            removeDelimiter();
            string.append('}');
            string.append(DELIMITER);
        }
        if (key != null) {
            if (key instanceof Struct s) {
                string.append("key: ");
                printStruct(s);
            } else {
                printSimpleValue("key", key);
            }
            string.append(DELIMITER);
        }
        if (value != null) {
            Struct before = value.getStruct("before");
            Struct after = value.getStruct("after");
            if (before != null) {
                string.append("before: ");
                printStruct(before);
                string.append(DELIMITER);
            }
            if (after != null) {
                string.append("after: ");
                printStruct(after);
                string.append(DELIMITER);
            }
        }
        removeDelimiter();
        return string.toString();
    }

    private void printSimpleValue(Object name, Object v) {
        string.append(name).append(": ").append(v);
    }

    private void removeDelimiter() {
        int n = string.length();
        if (n >= 2 && string.charAt(n - 2) == ',' && string.charAt(n - 1) == ' ') {
            string.delete(n - 2, n);
        }
    }

    private void printStruct(Struct s) {
        if (!appendFlat(string, s)) {
            string.append(SchemaUtil.asDetailedString(s));
        }
    }

    /**
     * Writes {@code s} as {@code SchemaUtil.asDetailedString} does when each value is null, a string, a number or
     * a boolean ({@code {"id" : "5", "name" : "x"}}: names and values JSON-quoted, values by their
     * {@code toString}); otherwise writes nothing and returns false.
     */
    static boolean appendFlat(StringBuilder out, Struct s) {
        java.util.List<Field> fields = s.schema().fields();
        for (Field f : fields) {
            Object v = s.get(f);
            if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                return false;
            }
        }
        out.append('{');
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i > 0) {
                out.append(DELIMITER);
            }
            quoted(out, f.name());
            out.append(" : ");
            Object v = s.get(f);
            if (v == null) {
                out.append("null");
            } else {
                quoted(out, v.toString());
            }
        }
        out.append('}');
        return true;
    }

    private static void quoted(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }
}
