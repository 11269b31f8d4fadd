package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileOffsetBackingStoreTest {
    @TempDir
    Path dir;

    private StandaloneConfig config(Path file) {
        return new StandaloneConfig(Map.of("offset.storage.file.filename", file.toString(),
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "bootstrap.servers", "localhost:9092"));
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void save_thenKafkasOwnLoader_readsTheSamePositionAndNoTemporaryFileIsLeft() throws Exception {
        Path file = dir.resolve("offsets.dat");
        AtomicFileOffsetBackingStore store = new AtomicFileOffsetBackingStore();
        store.configure(config(file));
        store.start();
        store.set(Map.of(bytes("[\"rmm\",{\"server\":\"a\"}]"), bytes("{\"file\":\"binlog.000002\",\"pos\":4}")), null)
                .get();
        store.stop();
        assertFalse(Files.exists(dir.resolve("offsets.dat.tmp")));

        FileOffsetBackingStore kafka = new FileOffsetBackingStore(KafkaConnectUtil.converterForOffsetStore());
        kafka.configure(config(file));
        kafka.start();
        ByteBuffer key = bytes("[\"rmm\",{\"server\":\"a\"}]");
        Map<ByteBuffer, ByteBuffer> got = kafka.get(List.of(key)).get();
        kafka.stop();
        assertEquals("{\"file\":\"binlog.000002\",\"pos\":4}", StandardCharsets.UTF_8.decode(got.get(key)).toString());
    }
}
