package dev.rmmaudit.forwarder.source.automate;

import io.debezium.embedded.KafkaConnectUtil;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Kafka's file offset store, saved so that a crash can never leave it empty or half written.
 *
 * <p>{@link FileOffsetBackingStore#save()} truncates {@code offsets.dat} and writes it in place, and its loader
 * reads a truncated file as "no offsets". CrashIT caught it: a SIGKILL during a save made the next start a
 * first start from "now", skipping the changes written meanwhile. Here the same content (a serialized map of
 * key bytes to value bytes, which the unchanged loader reads) goes to a temporary file that is renamed over the
 * old one: a process that dies leaves the old position or the new one, never a torn file. It is not forced to
 * the device: the engine waits for every save, one per batch, and with a sync each time StalledSinkIT's catch-up
 * overran its budget; after a power cut the position may be older, so changes are re-sent, not lost.
 */
public final class AtomicFileOffsetBackingStore extends FileOffsetBackingStore {
    private Path file;

    /** Called by the embedded engine by reflection, as it does for its own stores. */
    public AtomicFileOffsetBackingStore() {
        super(KafkaConnectUtil.converterForOffsetStore());
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        this.file = Path.of(config.getString("offset.storage.file.filename"));
    }

    @Override
    protected void save() {
        Map<byte[], byte[]> raw = new HashMap<>();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
            raw.put(e.getKey() != null ? e.getKey().array() : null, e.getValue() != null ? e.getValue().array()
                    : null);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING); ObjectOutputStream os = new ObjectOutputStream(out)) {
                os.writeObject(raw);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ConnectException("cannot save the binlog position to " + file + ": " + e.getMessage(), e);
        }
    }
}
