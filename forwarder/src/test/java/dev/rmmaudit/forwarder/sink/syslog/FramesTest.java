package dev.rmmaudit.forwarder.sink.syslog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramesTest {
    /** What the JDK makes of the text: its UTF-8 bytes, cut to {@code max} without splitting a character. */
    private static byte[] expected(String text, int max) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return b;
        }
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(b, end);
    }

    private static byte[] frame(Frames f, int i) {
        return Arrays.copyOfRange(f.bytes(), f.start(i), f.end(i));
    }

    private static String randomText(Random r, int length) {
        // ASCII, two- and three-byte characters, surrogate pairs, lone surrogates of both halves, controls
        char[] alphabet = {'a', 'Z', ' ', '=', '\\', '\n', '\u0000', 'é', 'ß', '\u07ff', '\u0800', '€', '\uffff',
            '\ud83d', '\ude00', '\udbff', '\udfff'};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    @Test
    void add_randomTextAnyLimit_bytesAreTheJdksUtf8CutOnACharacterBoundary() {
        Random r = new Random(42);
        Frames f = new Frames();
        for (int round = 0; round < 5_000; round++) {
            String text = randomText(r, r.nextInt(40));
            int max = r.nextInt(60);
            f.clear();
            boolean cut = f.add(new StringBuilder(text), max, Frames.Framing.NONE);
            byte[] want = expected(text, max);
            assertArrayEquals(want, frame(f, 0), () -> "text " + text.chars().mapToObj(Integer::toHexString).toList()
                    + " max " + max);
            assertEquals(want.length < text.getBytes(StandardCharsets.UTF_8).length, cut);
        }
    }

    @Test
    void add_asciiMessagesAndOnesTurningNonAsciiLate_everyFramingGivesTheJdksBytesInOrder() {
        Random r = new Random(7);
        for (Frames.Framing framing : Frames.Framing.values()) {
            Frames f = new Frames();
            java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 2_000; i++) {
                StringBuilder m = new StringBuilder();
                for (int k = r.nextInt(300); k > 0; k--) {
                    m.append((char) (0x20 + r.nextInt(0x5f))); // printable ASCII, as CEF lines mostly are
                }
                if (r.nextInt(3) == 0) {
                    m.append(r.nextBoolean() ? "é" : "\ud83d\ude00").append("tail"); // late: after the ASCII run
                }
                int max = r.nextInt(4) == 0 ? r.nextInt(300) : 65536;
                boolean cut = f.add(m, max, framing);
                byte[] body = expected(m.toString(), max);
                assertEquals(body.length < m.toString().getBytes(StandardCharsets.UTF_8).length, cut);
                if (framing == Frames.Framing.OCTET) {
                    want.writeBytes((body.length + " ").getBytes(StandardCharsets.US_ASCII));
                }
                want.writeBytes(body);
                if (framing == Frames.Framing.NEWLINE) {
                    want.write('\n');
                }
                assertEquals(want.size(), f.end(i), "frame " + i + " ends where its bytes do");
            }
            assertArrayEquals(want.toByteArray(), Arrays.copyOf(f.bytes(), f.size()), framing.name());
        }
    }

    @Test
    void add_octetCounting_prefixCountsTheBytesNotTheCharacters() {
        Frames f = new Frames();
        f.add("héllo €", 1000, Frames.Framing.OCTET);
        f.add("", 1000, Frames.Framing.OCTET);
        byte[] body = "héllo €".getBytes(StandardCharsets.UTF_8);
        assertEquals(10, body.length);
        assertEquals("10 héllo €", new String(frame(f, 0), StandardCharsets.UTF_8));
        assertEquals("0 ", new String(frame(f, 1), StandardCharsets.UTF_8));
        assertEquals("10 héllo €0 ", new String(f.bytes(), 0, f.size(), StandardCharsets.UTF_8));
    }

    @Test
    void add_newlineFramingCut_newlineFollowsTheCutMessage() {
        Frames f = new Frames();
        assertTrue(f.add("abcdef", 4, Frames.Framing.NEWLINE));
        assertFalse(f.add("xy", 4, Frames.Framing.NEWLINE));
        assertEquals("abcd\nxy\n", new String(f.bytes(), 0, f.size(), StandardCharsets.US_ASCII));
        assertEquals(2, f.count());
        assertEquals(5, f.start(1));
    }

    @Test
    void add_manyLargeFrames_growsAndClearStartsAfresh() {
        Frames f = new Frames();
        String big = "x".repeat(100_000);
        for (int i = 0; i < 200; i++) {
            f.add(big, 200_000, Frames.Framing.OCTET);
        }
        assertEquals(200, f.count());
        assertEquals(200 * ("100000 ".length() + 100_000), f.size());
        assertEquals("100000 " + big, new String(frame(f, 199), StandardCharsets.US_ASCII));
        f.clear();
        assertEquals(0, f.count());
        assertEquals(0, f.size());
        assertTrue(f.bytes().length <= 1 << 20, "a batch of huge events does not keep its array");
        f.add("after", 100, Frames.Framing.NONE);
        assertEquals("after", new String(frame(f, 0), StandardCharsets.US_ASCII));
    }
}
