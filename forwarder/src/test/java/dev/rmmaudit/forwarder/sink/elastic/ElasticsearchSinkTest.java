package dev.rmmaudit.forwarder.sink.elastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.FakeHttp;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    FakeHttp http;
    final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
    final Set<String> rejectOnceWith429 = ConcurrentHashMap.newKeySet();
    final List<List<String>> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger wholeRequest503 = new AtomicInteger();
    volatile String auth;

    @BeforeEach
    void start() throws IOException {
        http = new FakeHttp();
        http.server.createContext("/logs-rmm_audit-default/_bulk", this::bulk);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private void bulk(HttpExchange x) throws IOException {
        auth = x.getRequestHeaders().getFirst("Authorization");
        if (wholeRequest503.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            FakeHttp.answer(x, 503, "{\"error\":\"unavailable\"}");
            return;
        }
        String body = FakeHttp.body(x);
        if (!body.endsWith("\n") || !"application/x-ndjson".equals(x.getRequestHeaders().getFirst("Content-Type"))) {
            FakeHttp.answer(x, 400, "{\"error\":\"The bulk request must be terminated by a newline [\\n]\"}");
            return;
        }
        String[] lines = body.split("\n");
        StringBuilder items = new StringBuilder();
        boolean errors = false;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i += 2) {
            JsonNode action = JSON.readTree(lines[i]);
            if (!action.has("create")) {
                FakeHttp.answer(x, 400, "{\"error\":\"data streams take only create\"}");
                return;
            }
            String id = action.at("/create/_id").asText();
            ids.add(id);
            JsonNode doc = JSON.readTree(lines[i + 1]);
            int status;
            String error = null;
            if (rejectOnceWith429.remove(id)) {
                status = 429;
                error = "{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"}";
            } else if (doc.at("/user/target/name").asText().contains("BADMAPPING")) {
                status = 400;
                error = "{\"type\":\"document_parsing_exception\",\"reason\":\"failed to parse field [user.target.name]\"}";
            } else if (stored.containsKey(id)) {
                status = 409;
                error = "{\"type\":\"version_conflict_engine_exception\",\"reason\":\"document already exists\"}";
            } else {
                stored.put(id, doc);
                status = 201;
            }
            errors |= status >= 300;
            items.append(items.length() == 0 ? "" : ",").append("{\"create\":{\"_id\":\"").append(id)
                    .append("\",\"status\":").append(status).append(error == null ? "" : ",\"error\":" + error)
                    .append("}}");
        }
        requests.add(ids);
        FakeHttp.answer(x, 200, "{\"took\":3,\"errors\":" + errors + ",\"items\":[" + items + "]}");
    }

    private ElasticsearchSink sink() {
        return new ElasticsearchSink(new ElasticsearchSinkConfig("es", "json", http.url(), "logs-rmm_audit-default",
                new Secret("a2V5OnNlY3JldA=="), null, Secret.NONE,
                HttpSettingsForTests.of(dir.resolve("dead.jsonl"), 100, false, 0)));
    }

    private static SecurityEvent event(String id, String user) {
        return SecurityEvent.builder().id(id).time(Instant.parse("2026-11-21T10:00:00Z")).module("automate")
                .action("user-created").category("iam").targetUserName(user).build();
    }

    @Test
    void deliver_mixedItemErrors_retriesOnly429Items_deadLettersMappingErrors() throws Exception {
        rejectOnceWith429.add("e2");
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob"), event("e3", "x BADMAPPING"),
                    event("e4", "dave")));
            assertEquals(Set.of("e1", "e2", "e4"), stored.keySet());
            assertEquals(List.of(List.of("e1", "e2", "e3", "e4"), List.of("e2")), requests,
                    "only the 429 item is sent again, alone");
            assertEquals(3, s.metrics().sent());
            assertEquals(1, s.metrics().deadLettered());
            String dead = Files.readString(dir.resolve("dead.jsonl"));
            assertTrue(dead.contains("item 400 document_parsing_exception"), dead);
            assertTrue(dead.contains("\"id\":\"e3\""), dead);
            assertEquals("ApiKey a2V5OnNlY3JldA==", auth);
        }
    }

    @Test
    void deliver_sameEventsAgain_areRefusedAsDuplicatesAndCountAsDelivered() throws Exception {
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob")));
            s.deliver(List.of(event("e1", "alice"), event("e2", "bob")));
            assertEquals(2, stored.size(), "an at-least-once re-send never stores twice");
            assertEquals(4, s.metrics().sent());
            assertEquals(0, s.metrics().deadLettered());
        }
    }

    @Test
    void deliver_wholeRequest503_isRetried() throws Exception {
        wholeRequest503.set(2);
        try (ElasticsearchSink s = sink()) {
            s.deliver(List.of(event("e1", "alice")));
            assertEquals(Set.of("e1"), stored.keySet());
            assertEquals(2, s.metrics().retries());
        }
    }
}
