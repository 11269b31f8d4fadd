package dev.rmmaudit.forwarder.encode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import java.io.IOException;

/** JSON written with Jackson's generator: into text on Jackson's recycled buffers, and the fields encoders share. */
public final class JsonText {
    /** An ObjectMapper's factory: its generators can also write trees ({@code writeTree}). */
    private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

    private JsonText() {
    }

    /** What one call writes to the generator. */
    @FunctionalInterface
    interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    static String of(Writing writing) {
        SegmentedStringWriter out = new SegmentedStringWriter(FACTORY._getBufferRecycler());
        try {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                writing.write(g);
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    /** A string field, or a null one when {@code value} is null (as {@code ObjectNode.put(name, null)} keeps it). */
    public static void stringOrNull(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
