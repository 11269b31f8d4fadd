package dev.rmmaudit.forwarder.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {
    private static final long SEGMENT = 1024;

    @TempDir
    Path dir;

    private DiskQueue open() throws IOException {
        return new DiskQueue(dir, 16 * SEGMENT, SEGMENT, true);
    }

    private static List<byte[]> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> ("record-" + i).getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Polls and acknowledges everything; the records as strings in the order read. */
    private static List<String> drain(DiskQueue q) throws Exception {
        List<String> out = new ArrayList<>();
        while (true) {
            DiskQueue.Batch b = q.poll(7, 50);
            if (b.records().isEmpty()) {
                return out;
            }
            b.records().forEach(r -> out.add(new String(r, StandardCharsets.UTF_8)));
            q.ack(b.end(), b.records().size());
        }
    }

    private static List<String> names(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "record-" + i).toList();
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void poll_recordsOverManySegments_returnsAllInOrderAndAckDeletesSegments() throws Exception {
        try (DiskQueue q = open()) {
            for (int i = 0; i < 300; i += 10) {
                q.append(records(i, i + 10));
            }
            assertTrue(segmentFiles() > 3, "the records span several segments");
            assertEquals(300, q.pendingRecords());
            assertEquals(names(0, 300), drain(q));
            assertEquals(0, q.pendingRecords());
            assertEquals(0, q.pendingBytes());
            assertEquals(1, segmentFiles(), "only the segment being written stays");
        }
    }

    @Test
    void open_afterCrashWithUnacknowledgedRecords_readsThemAgain() throws Exception {
        DiskQueue crashed = open();
        crashed.append(records(0, 50));
        DiskQueue.Batch first = crashed.poll(20, 50);
        crashed.ack(first.end(), first.records().size());
        crashed.poll(20, 50); // read, never acknowledged: the process dies here
        try (DiskQueue q = open()) {
            assertEquals(30, q.recovery().records());
            assertEquals(0, q.recovery().discardedBytes());
            assertEquals(names(20, 50), drain(q));
        }
    }

    @Test
    void open_tornLastWrite_keepsEverythingBeforeAndReportsTheDiscardedBytes() throws Exception {
        try (DiskQueue q = open()) {
            q.append(records(0, 5));
        }
        Path seg = lastSegment();
        long good = Files.size(seg);
        // Half a record: a header announcing 100 bytes and 10 of them, as a crash mid-write leaves it.
        byte[] torn = new byte[18];
        torn[3] = 100;
        Files.write(seg, torn, StandardOpenOption.APPEND);
        try (DiskQueue q = open()) {
            assertEquals(5, q.recovery().records());
            assertEquals(18, q.recovery().discardedBytes());
            assertEquals(1, q.recovery().damage().size(), q.recovery().damage().toString());
            assertEquals(good, Files.size(seg), "the torn tail is cut off");
            q.append(records(5, 8));
            assertEquals(names(0, 8), drain(q));
        }
    }

    @Test
    void open_recordFailingItsChecksum_discardsFromThereOnly() throws Exception {
        try (DiskQueue q = open()) {
            q.append(records(0, 3));
        }
        Path seg = lastSegment();
        byte[] bytes = Files.readAllBytes(seg);
        int third = 2 * (DiskQueue.HEADER + "record-0".length());
        bytes[third + DiskQueue.HEADER + 1] ^= 0x20; // one flipped bit in the third record's payload
        Files.write(seg, bytes);
        try (DiskQueue q = open()) {
            assertEquals(2, q.recovery().records());
            assertTrue(q.recovery().discardedBytes() > 0);
            assertEquals(names(0, 2), drain(q));
        }
    }

    @Test
    void awaitSpace_full_waitsUntilAcknowledged() throws Exception {
        try (DiskQueue q = new DiskQueue(dir, 2 * SEGMENT, SEGMENT, false)) {
            byte[] big = new byte[600];
            q.append(List.of(big));
            assertFalse(q.awaitSpace(600, 50), "a second record passes maxBytes - segmentBytes");
            DiskQueue.Batch b = q.poll(10, 50);
            q.ack(b.end(), 1);
            assertTrue(q.awaitSpace(600, 50));
        }
    }

    @Test
    void append_deviceFull_keepsNoPartialRecordAndWritesOnceTheDiskHasRoom() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full (Linux) to make the disk refuse writes");
        try (DiskQueue q = open()) {
            // The next segment the queue opens is a device that answers every write with ENOSPC.
            Path next = dir.resolve(String.format("%020d.seg", 1));
            Files.createSymbolicLink(next, full);
            q.append(List.of(new byte[(int) SEGMENT])); // fills segment 0: the queue moves on to segment 1
            long before = q.pendingRecords();
            IOException e = assertThrows(IOException.class, () -> q.append(records(1000, 1001)));
            assertTrue(e.getMessage().contains("space"), e.getMessage());
            assertEquals(before, q.pendingRecords(), "a refused write is not counted");
            Files.delete(next);
            q.append(records(2000, 2002));
            List<String> read = drain(q);
            assertEquals(before + 2, read.size());
            assertEquals(List.of("record-2000", "record-2001"), read.subList(read.size() - 2, read.size()));
        }
        try (DiskQueue q = open()) {
            assertEquals(0, q.recovery().discardedBytes(), q.recovery().damage().toString());
        }
    }
}
