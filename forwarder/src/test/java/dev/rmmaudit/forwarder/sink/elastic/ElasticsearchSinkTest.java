package dev.rmmaudit.forwarder.sink.elastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.FakeElastic;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a local server that implements {@code _bulk} into a data stream the way Elasticsearch answers:
 * create-only, {@code _id} conflicts as 409, per-item errors inside a 200, whole-request 429/503.
 */
class ElasticsearchSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FakeElastic es;

    @BeforeEach
    void start() throws IOException {
        es = new FakeElastic("logs-rmm_audit-default");
    }

    @AfterEach
    void stop() {
        es.close();
    }

    private ElasticsearchSink sink() {
        return new ElasticsearchSink(new ElasticsearchSinkConfig("es", "json", es.url(), "logs-rmm_audit-default",
                new Secret("a2V5OnNlY3JldA=="), null, Secret.NONE,
                HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 100, false, 0)));
    }

    private static SecurityEvent event(String id, String user) {
        return SecurityEvent.builder().id(id).time(Instant.parse("2026-11-21T10:00:00Z")).module("automate")
                .action("user-created").category("iam").targetUserName(user).build();
    }

    @Test
    void deliver_mixedItemErrors_retriesOnly429Items_deadLettersMappingErrors() throws Exception {
        es.rejectOnceWith429.add("e2");
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob"), event("e3", "x BADMAPPING"),
                    event("e4", "dave")));
            assertEquals(Set.of("e1", "e2", "e4"), es.stored.keySet());
            assertEquals(List.of(List.of("e1", "e2", "e3", "e4"), List.of("e2")), es.requests,
                    "only the 429 item is sent again, alone");
            assertEquals(3, s.metrics().sent());
            assertEquals(1, s.metrics().deadLettered());
            String dead = Files.readString(dir.resolve("dead.jsonl"));
            assertTrue(dead.contains("item 400 document_parsing_exception"), dead);
            assertTrue(dead.contains("\"id\":\"e3\""), dead);
            assertEquals("ApiKey a2V5OnNlY3JldA==", es.auth);
        }
    }

    @Test
    void deliver_sameEventsAgain_areRefusedAsDuplicatesAndCountAsDelivered() throws Exception {
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob")));
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob")));
            assertEquals(2, es.stored.size(), "an at-least-once re-send never stores twice");
            assertEquals(4, s.metrics().sent());
            assertEquals(0, s.metrics().deadLettered());
        }
    }

    @Test
    void deliver_wholeRequest503_isRetried() throws Exception {
        es.wholeRequest503.set(2);
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice")));
            assertEquals(Set.of("e1"), es.stored.keySet());
            assertEquals(2, s.metrics().retries());
        }
    }
}
