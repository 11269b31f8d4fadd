package dev.rmmaudit.forwarder.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void framed_jsonArrayAndNdjson_readAsTheJoinedForms() {
        List<byte[]> items = List.of(b("{\"a\":1}"), b("{\"b\":2}"));
        assertEquals("[{\"a\":1},{\"b\":2}]", text(Batches.framed(items, b("["), b(","), b("]"))));
        assertEquals("{\"a\":1}\n{\"b\":2}\n", text(Batches.framed(items, null, b("\n"), b("\n"))));
        assertEquals(text(Batches.framed(items, null, b("\n"), b("\n"))),
                new String(Batches.join(items, b("\n")), StandardCharsets.UTF_8));
    }

    @Test
    void framed_noItems_isAnEmptyArrayOrNothing() {
        assertEquals("[]", text(Batches.framed(List.of(), b("["), b(","), b("]"))));
        assertEquals("", text(Batches.framed(List.of(), null, b("\n"), b("\n"))));
    }

    @Test
    void encodeInBatches_cutsByCountAndBytes_andAnOversizedItemGoesAlone() throws Exception {
        List<byte[]> items = List.of(b("12345"), b("12345"), b("1234567890123"), b("1"), b("2"), b("3"));
        List<Integer> sizes = new java.util.ArrayList<>();
        Batches.encodeInBatches(items, b -> b, 2, 10, (batch, bytes) -> sizes.add(batch.size()));
        assertEquals(List.of(2, 1, 2, 1), sizes);
    }

    @Test
    void encodeInBatches_handsOverEachBatchWithItsBytes_encodingEachItemOnce() throws Exception {
        List<String> items = List.of("12345", "12345", "1234567890123", "1", "2", "3");
        List<Integer> encoded = new java.util.ArrayList<>();
        List<List<String>> batches = new java.util.ArrayList<>();
        Batches.encodeInBatches(items, s -> {
            encoded.add(s.length());
            return b(s);
        }, 2, 10, (batchItems, bytes) -> {
            assertEquals(batchItems.size(), bytes.size());
            batches.add(List.copyOf(batchItems));
        });
        assertEquals(List.of(List.of("12345", "12345"), List.of("1234567890123"), List.of("1", "2"), List.of("3")),
                batches);
        assertEquals(items.size(), encoded.size(), "each item encoded once");
    }

    @Test
    void gzipOfParts_isTheGzipOfTheirConcatenation() throws Exception {
        List<byte[]> parts = List.of(b("alpha "), b("beta "), b("gamma"));
        byte[] gz = HttpDelivery.gzip(parts);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertEquals("alpha beta gamma", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
