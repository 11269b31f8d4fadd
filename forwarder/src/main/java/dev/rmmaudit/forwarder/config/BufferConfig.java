package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;

/**
 * Where a sink keeps what it has not delivered yet.
 *
 * <p>{@code memory} (the default) holds at most {@code maxEvents}; then the binlog reader waits. {@code disk}
 * writes them to append-only segments under {@code dir} (default {@code <stateDir>/buffer/<sink>}) of at most
 * {@code maxBytes}, so a long SIEM outage costs disk, not memory, and survives restarts.
 *
 * @param whenFull {@code block} (the reader waits: nothing lost) or {@code drop_newest} (events that do not fit
 *     are dropped, counted and logged)
 * @param fsync force each batch to the device before its binlog position may be committed (the default); off,
 *     a crash of the machine (not of the process) can lose what the operating system had not written yet
 */
public record BufferConfig(String type, int maxEvents, long maxBytes, String whenFull, boolean fsync, Path dir) {
    public static final int DEFAULT_MAX_EVENTS = 10_000;
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** The smallest disk buffer: a few segments of 256 KiB. */
    public static final long MIN_MAX_BYTES = 1L << 20;

    public static BufferConfig memory() {
        return new BufferConfig("memory", DEFAULT_MAX_EVENTS, 0, "block", true, null);
    }

    public boolean isDisk() {
        return type.equals("disk");
    }

    public boolean dropsNewest() {
        return whenFull.equals("drop_newest");
    }

    /** Segment size: an eighth of the buffer, at most 64 MiB. */
    public long segmentBytes() {
        return Math.min(64L << 20, maxBytes / 8);
    }

    static BufferConfig read(ConfigNode n, String sinkName, Path baseDir, Path stateDir) {
        if (!n.isPresent()) {
            return memory();
        }
        String type = n.choice("type", "memory", "memory", "disk");
        int maxEvents = n.integer("maxEvents", DEFAULT_MAX_EVENTS, 1, 10_000_000);
        long maxBytes = Sizes.read(n, "maxBytes", DEFAULT_MAX_BYTES, MIN_MAX_BYTES, 1L << 50);
        String whenFull = n.choice("whenFull", "block", "block", "drop_newest");
        boolean fsync = n.bool("fsync", true);
        String dir = n.string("dir", null);
        if (type.equals("memory")) {
            for (String diskOnly : new String[] {"maxBytes", "fsync", "dir"}) {
                if (n.has(diskOnly)) {
                    n.child(diskOnly).problem("applies to a disk buffer only (add type: disk)");
                }
            }
            if (whenFull.equals("drop_newest")) {
                n.child("whenFull").problem("drop_newest applies to a disk buffer only; a memory buffer blocks");
            }
        } else if (n.has("maxEvents")) {
            n.child("maxEvents").problem("applies to a memory buffer only; a disk buffer is bounded by maxBytes");
        }
        n.rejectUnknownKeys();
        return new BufferConfig(type, maxEvents, type.equals("disk") ? maxBytes : 0, whenFull, fsync,
                type.equals("disk") ? (dir == null ? stateDir.resolve("buffer").resolve(sinkName)
                        : baseDir.resolve(dir).normalize()) : null);
    }
}
