package dev.rmmaudit.forwarder.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * A sink's dead-letter file: events it can never deliver (a mapping error at the receiver, a rejected token
 * after the retries ran out), one JSON line each with the reason and the event in ECS. Synced before the
 * events count as handled, so they can be replayed once the cause is fixed.
 */
public final class DeadLetters {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sinkName;
    private final Path path;
    private final SinkMetrics metrics;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();

    public DeadLetters(String sinkName, Path path, SinkMetrics metrics) {
        this.sinkName = sinkName;
        this.path = path;
        this.metrics = metrics;
    }

    public Path path() {
        return path;
    }

    public void write(List<SecurityEvent> events, String reason) {
        writeDocuments(events.stream().map(e -> (JsonNode) ecs.toEcs(e)).toList(), reason);
    }

    /**
     * The same for events a sink kept only in encoded form (read back from its request): {@code documents} are
     * their ECS documents, as {@link EcsJsonEncoder#toEcs} gives them.
     */
    public synchronized void writeDocuments(List<JsonNode> documents, String reason) {
        if (documents.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        String now = Instant.now().toString();
        for (JsonNode document : documents) {
            ObjectNode line = JSON.createObjectNode();
            line.put("time", now).put("sink", sinkName).put("reason", reason);
            line.set("event", document);
            b.append(line).append('\n');
        }
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("sink " + sinkName + ": cannot write the dead-letter file " + path, e);
        }
        metrics.deadLettered(documents.size());
    }
}
