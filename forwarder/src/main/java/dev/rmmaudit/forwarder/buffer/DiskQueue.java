package dev.rmmaudit.forwarder.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A first-in first-out queue of byte records in a directory: append-only segment files, each record framed as
 * {@code [length u32][crc32c u32][payload]}, and a cursor file naming the first record not yet consumed.
 *
 * <p>One thread appends and one consumes. A record is visible to the consumer once {@link #append} has returned.
 * {@link #ack} moves the cursor (written to a temporary file and renamed over the old one) and deletes every
 * segment wholly before it; records between the stored cursor and what was really consumed are read again after
 * a crash (at-least-once).
 *
 * <p>On open every segment from the cursor on is scanned: a record cut short or failing its checksum (a write
 * torn by a crash, or a damaged disk) ends its segment, which is truncated there; everything before it is kept
 * and what was discarded is reported by {@link #recovery()}.
 *
 * <p>Space: at most {@code maxBytes} on disk. Unconsumed records may take {@code maxBytes - segmentBytes}; the
 * rest is the consumed head of the segment being read, which is deleted when the reader moves past it.
 */
public final class DiskQueue implements AutoCloseable {
    /** Bytes each record takes besides its payload: its length and checksum. */
    public static final int HEADER = 8;
    /** Longer records are taken for damage when reading. */
    static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final String SUFFIX = ".seg";

    /** What opening the queue found. */
    public record Recovery(long records, long bytes, long discardedBytes, List<String> damage) {
    }

    /** Where a consumer is: segment number and byte offset within it. */
    public record Position(long segment, long offset) {
    }

    /** Records read by {@link #poll}, and the position just after the last of them (to {@link #ack}). */
    public record Batch(List<byte[]> records, Position end) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final boolean fsync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Segment number → length of the valid records in it. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private final Recovery recovery;
    private FileChannel writer;
    private long writeSegment;
    private Position readAt;
    private Position acked;
    private long pendingBytes;
    private long pendingRecords;
    private boolean closed;

    /**
     * Opens (creating when absent) the queue in {@code dir}.
     *
     * @param fsync force every {@link #append} to the device before it returns
     */
    public DiskQueue(Path dir, long maxBytes, long segmentBytes, boolean fsync) throws IOException {
        if (segmentBytes < HEADER + 1 || maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("maxBytes must be at least two segments (" + 2 * segmentBytes
                    + " bytes), not " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        Files.createDirectories(dir);
        this.recovery = recover();
        writeSegment = segments.isEmpty() ? acked.segment() : segments.lastKey();
        segments.putIfAbsent(writeSegment, 0L);
        writer = openForAppend(writeSegment);
    }

    public Recovery recovery() {
        return recovery;
    }

    public Path dir() {
        return dir;
    }

    /** Records appended and not yet acknowledged. */
    public long pendingRecords() {
        lock.lock();
        try {
            return pendingRecords;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of records appended and not yet acknowledged (with their headers). */
    public long pendingBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code size} more bytes of payload fit now. */
    public boolean fits(int size) {
        lock.lock();
        try {
            return fitsLocked(size);
        } finally {
            lock.unlock();
        }
    }

    private boolean fitsLocked(int size) {
        // A record larger than the whole allowance still goes in once the queue is empty, so it cannot block
        // the stream for ever.
        return pendingBytes == 0 || pendingBytes + HEADER + size <= maxBytes - segmentBytes;
    }

    /**
     * Waits until {@code size} bytes of payload fit, at most {@code timeoutMillis}; true when they do.
     */
    public boolean awaitSpace(int size, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (!fitsLocked(size) && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return fitsLocked(size);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends {@code records} (ignoring the space limit: call {@link #awaitSpace} first) and, with fsync on,
     * forces them to the device. On an I/O error (a full disk) nothing of this call is kept: the segment is cut
     * back to where it was, or closed and a new one begun when even that fails, so no partial record is ever
     * followed by good ones.
     */
    public void append(List<byte[]> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IOException("disk queue " + dir + " is closed");
            }
            if (writer == null) {
                writer = openForAppend(writeSegment);
            }
            long start = segments.get(writeSegment);
            int total = 0;
            for (byte[] r : records) {
                total += HEADER + r.length;
            }
            ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
            CRC32C crc = new CRC32C();
            for (byte[] r : records) {
                crc.reset();
                crc.update(r);
                buf.putInt(r.length).putInt((int) crc.getValue()).put(r);
            }
            buf.flip();
            try {
                writer.position(start);
                while (buf.hasRemaining()) {
                    writer.write(buf);
                }
                if (fsync) {
                    writer.force(false);
                }
            } catch (IOException e) {
                undo(start);
                throw e;
            }
            long end = start + total;
            segments.put(writeSegment, end);
            pendingBytes += total;
            pendingRecords += records.size();
            if (end >= segmentBytes) {
                roll();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a failed write: cut the segment back and reopen it on the next append (the path may now name
     * another file); when even the cut fails, leave the segment (its tail is skipped by the reader and cut off
     * by recovery) and write to a new one.
     */
    private void undo(long validLength) {
        boolean cut;
        try {
            writer.truncate(validLength);
            cut = true;
        } catch (IOException | RuntimeException e) {
            cut = false;
        }
        try {
            writer.close();
        } catch (IOException ignored) {
            // closing a channel that failed to write; nothing more to lose
        }
        writer = null;
        if (!cut) {
            writeSegment++;
            segments.put(writeSegment, 0L);
        }
    }

    private void roll() throws IOException {
        writer.close();
        writer = null;
        writeSegment++;
        segments.put(writeSegment, 0L);
        writer = openForAppend(writeSegment);
    }

    /**
     * Up to {@code maxRecords} records after those already polled, waiting at most {@code timeoutMillis} for
     * the first; an empty batch when none came.
     */
    public Batch poll(int maxRecords, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Position from;
        Position to;
        lock.lockInterruptibly();
        try {
            while (!closed && !hasUnread()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Batch(List.of(), readAt);
                }
                changed.awaitNanos(left);
            }
            from = readAt;
            // Skip over segments read to their end.
            while (segments.higherKey(from.segment()) != null
                    && from.offset() >= segments.get(from.segment())) {
                from = new Position(segments.higherKey(from.segment()), 0);
            }
            to = new Position(from.segment(), segments.getOrDefault(from.segment(), 0L));
        } finally {
            lock.unlock();
        }
        List<byte[]> out = new ArrayList<>();
        long offset = from.offset();
        try (FileChannel ch = FileChannel.open(segmentPath(from.segment()), StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (out.size() < maxRecords && offset < to.offset()) {
                header.clear();
                readFully(ch, header, offset);
                header.flip();
                int length = header.getInt();
                byte[] payload = new byte[length];
                readFully(ch, ByteBuffer.wrap(payload), offset + HEADER);
                out.add(payload);
                offset += HEADER + length;
            }
        }
        Position end = new Position(from.segment(), offset);
        lock.lock();
        try {
            readAt = end;
        } finally {
            lock.unlock();
        }
        return new Batch(out, end);
    }

    private boolean hasUnread() {
        long seg = readAt.segment();
        if (readAt.offset() < segments.getOrDefault(seg, 0L)) {
            return true;
        }
        return segments.tailMap(seg, false).values().stream().anyMatch(len -> len > 0);
    }

    /**
     * Everything up to {@code upTo} is delivered: stores the cursor and deletes the segments before it.
     */
    public void ack(Position upTo, int records) throws IOException {
        lock.lock();
        try {
            long freed = bytesBetween(acked, upTo);
            acked = upTo;
            pendingBytes -= freed;
            pendingRecords -= records;
            writeCursor(upTo);
            for (Long seg : new ArrayList<>(segments.headMap(upTo.segment(), false).keySet())) {
                if (seg != writeSegment) {
                    Files.deleteIfExists(segmentPath(seg));
                    segments.remove(seg);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Goes back to the last acknowledged position: what was polled since is read again. */
    public void rewind() {
        lock.lock();
        try {
            readAt = acked;
        } finally {
            lock.unlock();
        }
    }

    private long bytesBetween(Position from, Position to) {
        if (from.segment() == to.segment()) {
            return to.offset() - from.offset();
        }
        long total = segments.getOrDefault(from.segment(), 0L) - from.offset();
        for (var e : segments.subMap(from.segment(), false, to.segment(), false).entrySet()) {
            total += e.getValue();
        }
        return total + to.offset();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            if (writer != null) {
                writer.close();
            }
        } catch (IOException ignored) {
            // records were written (and forced when so configured) before; closing adds nothing
        } finally {
            lock.unlock();
        }
    }

    private Path segmentPath(long n) {
        return dir.resolve(String.format("%020d%s", n, SUFFIX));
    }

    private FileChannel openForAppend(long segment) throws IOException {
        return FileChannel.open(segmentPath(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private void writeCursor(Position p) throws IOException {
        Path tmp = dir.resolve("cursor.tmp");
        Files.writeString(tmp, p.segment() + " " + p.offset() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Position readCursor(List<String> damage) throws IOException {
        try {
            String[] parts = Files.readString(dir.resolve("cursor"), StandardCharsets.US_ASCII).trim().split(" ");
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NoSuchFileException e) {
            return null;
        } catch (RuntimeException e) {
            damage.add("cursor file unreadable (" + e + "); reading from the oldest segment");
            return null;
        }
    }

    private Recovery recover() throws IOException {
        List<String> damage = new ArrayList<>();
        List<Long> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX)).forEach(n -> {
                try {
                    found.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    damage.add("ignored stray file " + n);
                }
            });
        }
        found.sort(null);
        Position cursor = readCursor(damage);
        if (cursor == null) {
            cursor = new Position(found.isEmpty() ? 0 : found.get(0), 0);
        }
        long records = 0;
        long bytes = 0;
        long discarded = 0;
        for (long seg : found) {
            Path p = segmentPath(seg);
            if (seg < cursor.segment()) {
                Files.deleteIfExists(p);
                continue;
            }
            long start = seg == cursor.segment() ? cursor.offset() : 0;
            long size = Files.size(p);
            if (start > size) {
                damage.add("segment " + seg + " is shorter (" + size + " bytes) than the cursor (" + start
                        + "); reading it from the start");
                start = 0;
                cursor = new Position(seg, 0);
            }
            long[] scan = scan(p, start, size);
            records += scan[0];
            long valid = scan[1];
            bytes += valid - start;
            if (valid < size) {
                discarded += size - valid;
                damage.add("segment " + seg + ": " + (size - valid) + " bytes after offset " + valid
                        + " were cut short or failed their checksum and were discarded");
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(valid);
                    ch.force(true);
                }
            }
            segments.put(seg, valid);
        }
        if (!segments.isEmpty() && cursor.segment() < segments.firstKey()) {
            cursor = new Position(segments.firstKey(), 0);
        }
        acked = cursor;
        readAt = cursor;
        pendingBytes = bytes;
        pendingRecords = records;
        return new Recovery(records, bytes, discarded, List.copyOf(damage));
    }

    /** Counts the whole, intact records from {@code start}: [records, end of the last good one]. */
    private static long[] scan(Path p, long start, long size) throws IOException {
        long records = 0;
        long offset = start;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            CRC32C crc = new CRC32C();
            while (offset + HEADER <= size) {
                header.clear();
                readFully(ch, header, offset);
                header.flip();
                int length = header.getInt();
                int expected = header.getInt();
                if (length < 0 || length > MAX_RECORD || offset + HEADER + length > size) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, offset + HEADER);
                payload.flip();
                crc.reset();
                crc.update(payload);
                if ((int) crc.getValue() != expected) {
                    break;
                }
                records++;
                offset += HEADER + length;
            }
        }
        return new long[] {records, offset};
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("unexpected end of segment at " + at);
            }
            at += n;
        }
    }
}
