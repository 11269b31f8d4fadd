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

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Appends {@code value} as a JSON string, or {@code null}, escaped exactly as Jackson's generator escapes it
     * by default (a backslash before {@code "} and itself, the short escapes {@code b t n f r}, {@code u00XX}
     * after a backslash for the other control characters; everything else as it is): for small documents
     * written straight into text (creating a generator per document showed in the syslog sink's profile).
     */
    static StringBuilder string(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        int plain = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, plain, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plain = i + 1;
        }
        return out.append(value, plain, value.length()).append('"');
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
