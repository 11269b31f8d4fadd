package dev.rmmaudit.forwarder.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Elasticsearch data stream's {@code _bulk} endpoint on 127.0.0.1, answering the way Elasticsearch does:
 * NDJSON with a final newline, create-only, {@code _id} conflicts as 409, per-item errors inside a 200
 * (a document whose user.target.name contains BADMAPPING is a 400 mapping error; ids in
 * {@link #rejectOnceWith429} get one 429), and whole-request 503s on demand.
 */
public final class FakeElastic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeHttp http;
    public final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
    public final Set<String> rejectOnceWith429 = ConcurrentHashMap.newKeySet();
    public final List<List<String>> requests = Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger wholeRequest503 = new AtomicInteger();
    /** The next this-many items, whatever their id, get one 429 each. */
    public final AtomicInteger next429Items = new AtomicInteger();
    public volatile String auth;
    /** The Authorization header {@code GET /} accepts; null accepts any. */
    public volatile String requiredAuth;

    public FakeElastic(String dataStream) throws IOException {
        http = new FakeHttp();
        http.server.createContext("/" + dataStream + "/_bulk", this::bulk);
        http.server.createContext("/", x -> {
            auth = x.getRequestHeaders().getFirst("Authorization");
            boolean ok = requiredAuth == null || requiredAuth.equals(auth);
            FakeHttp.answer(x, ok ? 200 : 401, ok ? "{\"version\":{\"number\":\"8.15.0\"}}" : "{}");
        });
    }

    public String url() {
        return http.url();
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
            if (rejectOnceWith429.remove(id) || next429Items.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
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

    @Override
    public void close() {
        http.close();
    }
}
