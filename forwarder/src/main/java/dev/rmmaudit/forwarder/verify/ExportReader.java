package dev.rmmaudit.forwarder.verify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events in a SIEM's export, whatever wraps them: one ECS document per line (the forwarder's own JSON, a file
 * sink, {@code jq -c}), Elasticsearch or OpenSearch hits ({@code _source}, also a whole search response),
 * Splunk's JSON results ({@code result._raw} or {@code _raw}), Sentinel rows (read back into the ECS document),
 * or one JSON array of any of these. A line that is not JSON is reported, not fatal.
 */
final class ExportReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A document found in the export, and where. */
    record Doc(long line, ObjectNode ecs) {
    }

    /** Something in the export that is not an event, and where. */
    record Unreadable(long line, String why) {
    }

    private ExportReader() {
    }

    /**
     * Reads {@code text}: as JSON values one after another when it parses so (JSON lines, a pretty-printed
     * search response, an array), else line by line, each line that is not JSON reported and skipped.
     */
    static void read(String text, Consumer<Doc> docs, Consumer<Unreadable> problems) {
        List<Doc> whole = new ArrayList<>();
        List<Unreadable> empty = new ArrayList<>();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            while (p.nextToken() != null) {
                long line = p.currentLocation().getLineNr();
                JsonNode n = JSON.readTree(p);
                List<ObjectNode> found = unwrap(n);
                found.forEach(d -> whole.add(new Doc(line, d)));
                if (found.isEmpty()) {
                    empty.add(new Unreadable(line, "a JSON value that holds no event"));
                }
            }
            whole.forEach(docs);
            empty.forEach(problems);
            return;
        } catch (IOException e) {
            // not JSON throughout: go line by line
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(lines[i]);
                List<ObjectNode> found = unwrap(n);
                if (found.isEmpty()) {
                    problems.accept(new Unreadable(i + 1, "a JSON value that holds no event"));
                }
                for (ObjectNode d : found) {
                    docs.accept(new Doc(i + 1, d));
                }
            } catch (IOException e) {
                problems.accept(new Unreadable(i + 1, "not JSON"));
            }
        }
    }

    /** The ECS documents {@code n} holds. */
    static List<ObjectNode> unwrap(JsonNode n) {
        List<ObjectNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(item -> out.addAll(unwrap(item)));
        } else if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            if (o.has("hits") && o.path("hits").has("hits")) {
                out.addAll(unwrap(o.path("hits").path("hits")));
            } else if (o.path("_source").isObject()) {
                out.add((ObjectNode) o.get("_source"));
            } else if (o.path("result").isObject()) {
                out.addAll(unwrap(o.get("result")));
            } else if (o.path("_raw").isTextual()) {
                try {
                    out.addAll(unwrap(JSON.readTree(o.get("_raw").asText())));
                } catch (IOException e) {
                    // not an event of ours
                }
            } else if (o.has("EventId") && o.has("Chain")) {
                try {
                    out.add(SentinelRows.toEcs(o));
                } catch (RuntimeException e) {
                    // a row with a value that is not what the sink writes: holds no event we can check
                }
            } else if (o.has("event") || o.has("event.id") || o.has("@timestamp")) {
                out.add(o);
            }
        }
        return out;
    }
}
