package io.debezium.pipeline.source.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.debezium.data.Envelope;
import io.debezium.data.SchemaUtil;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/**
 * Our {@link EventFormatter} against Debezium's own, loaded from the Debezium jar beside it: the same text for
 * every kind of key and value, and no more {@code ObjectMapper}s than keys that need one.
 */
class EventFormatterTest {
    private static final String NAME = "io.debezium.pipeline.source.spi.EventFormatter";
    private static final String HOSTILE = "a\"b\\c\n\r\t\b\f\u0000\u0001\u001f\u007f é € 😀 \ud800 </script> %n ${x}";

    /** Loads Debezium's EventFormatter from its jar; everything else (Struct, SchemaUtil) from the test's loader. */
    private static final class TheirsLoader extends URLClassLoader {
        TheirsLoader(URL jar) {
            super(new URL[] {jar}, EventFormatterTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(NAME)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }
    }

    private static String theirs(Map<String, String> position, Object key, Struct value) throws Exception {
        URL jar = SchemaUtil.class.getProtectionDomain().getCodeSource().getLocation();
        try (TheirsLoader loader = new TheirsLoader(jar)) {
            Class<?> c = loader.loadClass(NAME);
            assertNotSame(EventFormatter.class, c, "Debezium's own class must come from its jar");
            Constructor<?> init = c.getDeclaredConstructor();
            init.setAccessible(true);
            Object f = init.newInstance();
            call(c, f, "sourcePosition", Map.class, position);
            call(c, f, "key", Object.class, key);
            call(c, f, "value", Struct.class, value);
            return f.toString();
        }
    }

    private static void call(Class<?> c, Object target, String name, Class<?> type, Object arg) throws Exception {
        Method m = c.getDeclaredMethod(name, type);
        m.setAccessible(true);
        m.invoke(target, arg);
    }

    private static String ours(Map<String, String> position, Object key, Struct value) {
        return new EventFormatter().sourcePosition(position).key(key).value(value).toString();
    }

    private static void assertSameText(Map<String, String> position, Object key, Struct value) throws Exception {
        assertEquals(theirs(position, key, value), ours(position, key, value));
    }

    private static Struct flatKey() {
        Schema s = SchemaBuilder.struct().name("labtech.labtech.users.Key")
                .field("userid", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("big", Schema.OPTIONAL_INT64_SCHEMA)
                .field("small", Schema.OPTIONAL_INT8_SCHEMA)
                .field("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("on", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("amount", Decimal.builder(2).optional().build())
                .field("absent", Schema.OPTIONAL_STRING_SCHEMA)
                .field("defaulted", SchemaBuilder.string().optional().defaultValue("dflt").build())
                .build();
        return new Struct(s).put("userid", 5).put("name", HOSTILE).put("big", Long.MIN_VALUE).put("small", (byte) -1)
                .put("ratio", Double.NaN).put("on", true).put("amount", new BigDecimal("1E+3").setScale(2));
    }

    private static Map<String, String> position() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("server_id", "1");
        p.put("file", "binlog.000001");
        p.put("pos", "7078");
        p.put("row", "0");
        return p;
    }

    @Test
    void toString_keyOfSimpleValues_sameTextAsDebeziums() throws Exception {
        assertSameText(position(), flatKey(), null);
        assertTrue(EventFormatter.appendFlat(new StringBuilder(), flatKey()), "this key takes the fast path");
    }

    @Test
    void toString_hostileNamesAndValues_sameTextAsDebeziums() throws Exception {
        Schema s = SchemaBuilder.struct().field(HOSTILE, Schema.STRING_SCHEMA).field("e", Schema.STRING_SCHEMA).build();
        assertSameText(Map.of(HOSTILE, HOSTILE), new Struct(s).put(HOSTILE, HOSTILE).put("e", ""), null);
        // every character below 0x80 and the surrogates' edges, one at a time
        SchemaBuilder b = SchemaBuilder.struct();
        List<String> texts = new ArrayList<>();
        for (int ch = 0; ch < 0x80; ch++) {
            texts.add("x" + (char) ch + "y");
        }
        texts.addAll(List.of("\ud83d", "\ude00", "\uffff", "\u2028\u2029", "\u0080\u009f"));
        for (int i = 0; i < texts.size(); i++) {
            b.field("f" + i, Schema.STRING_SCHEMA);
        }
        Struct key = new Struct(b.build());
        for (int i = 0; i < texts.size(); i++) {
            key.put("f" + i, texts.get(i));
        }
        assertSameText(null, key, null);
    }

    @Test
    void toString_keyWithOtherValues_sameTextAsDebeziumsThroughSchemaUtil() throws Exception {
        Schema nested = SchemaBuilder.struct().field("inner", Schema.STRING_SCHEMA).build();
        Schema s = SchemaBuilder.struct()
                .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("at", Timestamp.builder().optional().build())
                .field("list", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
                .field("nested", nested)
                .build();
        Struct bytes = new Struct(s).put("bytes", new byte[] {1, 2, (byte) 255})
                .put("nested", new Struct(nested).put("inner", HOSTILE));
        Struct others = new Struct(s).put("bytes", ByteBuffer.wrap(new byte[] {7}))
                .put("at", new java.util.Date(1_700_000_000_123L)).put("list", List.of("a", HOSTILE))
                .put("map", Map.of("k", 1)).put("nested", new Struct(nested).put("inner", "x"));
        for (Struct key : List.of(bytes, others)) {
            assertSameText(position(), key, null);
            assertFalse(EventFormatter.appendFlat(new StringBuilder(), key), "this key is left to SchemaUtil");
        }
    }

    @Test
    void toString_keyNotAStructOrAbsent_sameTextAsDebeziums() throws Exception {
        assertSameText(position(), "plain key", null);
        assertSameText(position(), 42L, null);
        assertSameText(position(), null, null);
        assertSameText(Map.of(), null, null);
        assertSameText(null, null, null);
        assertSameText(null, new Struct(SchemaBuilder.struct().build()), null);
    }

    @Test
    void toString_withEnvelope_sameTextAsDebeziums() throws Exception {
        Struct key = flatKey();
        Schema row = SchemaBuilder.struct().name("row").field("userid", Schema.INT32_SCHEMA)
                .field("Email", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        Envelope envelope = Envelope.defineSchema().withName("env").withRecord(row)
                .withSource(SchemaBuilder.struct().name("src").field("file", Schema.STRING_SCHEMA).build()).build();
        Struct source = new Struct(envelope.schema().field("source").schema()).put("file", "binlog.000001");
        Struct before = new Struct(row).put("userid", 5).put("Email", "a@example.com");
        Struct after = new Struct(row).put("userid", 5).put("Email", HOSTILE);
        assertSameText(position(), key, envelope.update(before, after, source, java.time.Instant.EPOCH));
        assertSameText(position(), key, envelope.create(after, source, java.time.Instant.EPOCH));
        assertSameText(null, null, envelope.delete(before, source, java.time.Instant.EPOCH));
    }

    /** When this fails, Debezium was upgraded: check whether it still builds an ObjectMapper per change. */
    @Test
    void debeziumVersion_isTheOneThisClassReplaces_elseRecheckAndDropIt() {
        assertEquals("3.5.0.Final", io.debezium.connector.mysql.Module.version(),
                "Debezium was upgraded: if it includes debezium/dbz#2492 (JsonStringEncoder for LastEvent), delete "
                        + "forwarder/src/main/java/io/debezium/pipeline/source/spi/EventFormatter.java, its test and "
                        + "the shade exclusion in forwarder/pom.xml; else check that its EventFormatter is unchanged");
    }
}
