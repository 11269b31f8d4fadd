package dev.rmmaudit.forwarder.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;
import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path dir;

    /** A value whose text cannot be read: stands for a row the mapping cannot handle. */
    private static final Object POISON = new Object() {
        @Override
        public String toString() {
            throw new IllegalStateException("unreadable value");
        }
    };

    private static final class Recording implements Sink {
        final List<SecurityEvent> got = new ArrayList<>();

        @Override
        public String name() {
            return "rec";
        }

        @Override
        public void deliver(List<SecurityEvent> batch) {
            got.addAll(batch);
        }

        @Override
        public SinkMetrics metrics() {
            return new SinkMetrics();
        }

        @Override
        public void close() {
        }
    }

    private static RowChange rename(String id, Object newName, String password) {
        Map<String, Object> before = new HashMap<>(Map.of("UserID", id, "Name", "old" + id, "ClientID", "2,",
                "Password", password));
        Map<String, Object> after = new HashMap<>(before);
        after.put("Name", newName);
        return new RowChange(RowChange.Op.UPDATE, "db", "labtech", "users", before, after, Instant.EPOCH,
                "binlog.000001:" + id + ":0");
    }

    @Test
    void handle_rowTheMappingCannotRead_isDeadLetteredWithoutSecretsAndTheRestDelivered() throws Exception {
        Mappings mappings = MappingLoader.load(null);
        Recording sink = new Recording();
        Path dead = dir.resolve("dead.jsonl");
        Pipeline p = new Pipeline("automate", new EventMapper(mappings, new AutomateDirectory()),
                List.of(Route.all(sink)), new DeadLetterFile(dead, mappings), null);
        p.handle(List.of(rename("1", "alice", "h1"), rename("2", POISON, "topsecrethash"), rename("3", "carol", "h3")));
        assertEquals(List.of("alice", "carol"), sink.got.stream().map(SecurityEvent::targetUserName).toList());
        assertEquals(1, p.deadLettered());
        assertEquals(3, p.rows());
        String line = Files.readString(dead);
        assertTrue(line.contains("unreadable value"), line);
        assertTrue(line.contains("binlog.000001:2:0"), line);
        assertFalse(line.contains("topsecrethash"), line);
        assertTrue(line.contains("[redacted]"), line);
    }
}
