package dev.rmmaudit.forwarder.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.RowChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a row that cannot be turned into events goes instead of crashing the forwarder: one JSON line with
 * the reason and the row, secret columns removed. Written and synced before the row's offset is committed.
 */
public final class DeadLetterFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Mappings mappings;
    private final AtomicLong count = new AtomicLong();

    public DeadLetterFile(Path path, Mappings mappings) {
        this.path = path;
        this.mappings = mappings;
    }

    /**
     * Writes one row and syncs it. An I/O failure is thrown: the row must not be acknowledged to the source
     * when it is neither delivered nor kept.
     */
    public synchronized void write(String module, RowChange change, Throwable reason) {
        TableMapping m = mappings.find(module, change.table()).orElse(null);
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("reason", String.valueOf(reason));
        line.put("module", module);
        line.put("table", change.table());
        line.put("op", change.op().name());
        line.put("position", change.position());
        line.set("before", row(change.before(), m));
        line.set("after", row(change.after(), m));
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dead-letter file " + path, e);
        }
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }

    public Path path() {
        return path;
    }

    private static ObjectNode row(Map<String, Object> row, TableMapping m) {
        ObjectNode n = JSON.createObjectNode();
        row.forEach((k, v) -> n.put(k, m != null && m.isSecret(k) ? "[redacted]" : text(v)));
        return n;
    }

    /** The value as text; a value that cannot even be read as text is named, never allowed to throw. */
    private static String text(Object v) {
        try {
            return v == null ? null : v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v.toString();
        } catch (RuntimeException e) {
            return "[unreadable " + v.getClass().getName() + ": " + e + "]";
        }
    }
}
