package dev.rmmaudit.forwarder.sink.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.testing.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    @TempDir
    Path dir;

    @Test
    void deliver_twoBatchesAcrossReopen_appendsOneJsonObjectPerLine() throws Exception {
        Path file = dir.resolve("sub/events.jsonl");
        try (FileSink sink = new FileSink("f", new EcsJsonEncoder(), file)) {
            sink.deliver(List.of(Events.withValue("a\nb"), Events.withValue("c")));
        }
        try (FileSink sink = new FileSink("f", new EcsJsonEncoder(), file)) {
            sink.deliver(List.of(Events.withValue("d")));
            assertEquals(1, sink.metrics().sent());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals("a\nb", new ObjectMapper().readTree(lines.get(0)).at("/user/target/name").asText());
        assertEquals("d", new ObjectMapper().readTree(lines.get(2)).at("/user/target/name").asText());
    }
}
