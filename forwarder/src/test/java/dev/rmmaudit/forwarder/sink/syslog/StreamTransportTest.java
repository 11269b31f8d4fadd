package dev.rmmaudit.forwarder.sink.syslog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamTransportTest {
    /** Keeps every write as it was handed over. */
    private static final class Writes extends OutputStream {
        final List<byte[]> writes = new ArrayList<>();
        final ByteArrayOutputStream all = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(Arrays.copyOfRange(b, off, off + len));
            all.write(b, off, len);
        }
    }

    @Test
    void write_batchLongerThanAChunk_writesWholeFramesAtMostAChunkAtATime() throws Exception {
        Frames frames = new Frames();
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            // mostly events of a few hundred bytes, now and then one longer than a chunk
            int length = i % 97 == 5 ? StreamTransport.CHUNK_BYTES + 1_000 : 200 + random.nextInt(1_500);
            frames.add("m".repeat(length), 200_000, Frames.Framing.OCTET);
        }
        Set<Integer> frameEnds = new HashSet<>();
        for (int i = 0; i < frames.count(); i++) {
            frameEnds.add(frames.end(i));
        }
        Writes out = new Writes();

        StreamTransport.write(out, frames);

        assertArrayEquals(Arrays.copyOf(frames.bytes(), frames.size()), out.all.toByteArray());
        assertTrue(out.writes.size() > 1, "a batch of " + frames.size() + " bytes in one write");
        int at = 0;
        for (byte[] w : out.writes) {
            int from = at;
            int to = at + w.length;
            at = to;
            assertTrue(frameEnds.contains(to), "a write ends inside a frame, at byte " + to);
            boolean oneFrame = frameEnds.stream().noneMatch(e -> e > from && e < to);
            assertTrue(w.length <= StreamTransport.CHUNK_BYTES || oneFrame,
                    "a write of " + w.length + " bytes holds more than one frame");
        }
    }

    @Test
    void write_smallBatch_isOneWrite() throws Exception {
        Frames frames = new Frames();
        frames.add("one", 100, Frames.Framing.OCTET);
        frames.add("two", 100, Frames.Framing.OCTET);
        Writes out = new Writes();

        StreamTransport.write(out, frames);

        assertEquals(List.of("3 one3 two"), out.writes.stream().map(String::new).toList());
    }
}
