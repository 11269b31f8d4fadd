package dev.rmmaudit.forwarder.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event as rules see it: its ECS JSON flattened to dotted field names ({@code user.target.name}), each
 * with one or more text values (arrays give several). The same names analysts use in their SIEM.
 */
public final class EventView {
    private final Map<String, List<String>> fields;
    /** {@code @timestamp} parsed, once: rules and derived fields ask for it several times per event. */
    private Instant time;
    private boolean timeParsed;

    private EventView(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Flattens an ECS document. */
    public static EventView of(JsonNode ecs) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        flatten("", ecs, fields);
        return new EventView(fields);
    }

    /**
     * A view of fields already flattened (as {@link dev.rmmaudit.forwarder.encode.EcsJsonEncoder#flat} gives
     * them) whose {@code @timestamp} is {@code time}. The map is the view's own from now on.
     */
    public static EventView of(Map<String, List<String>> flattened, Instant time) {
        EventView v = new EventView(flattened);
        v.time = time;
        v.timeParsed = true;
        return v;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, List<String>> out) {
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray()) {
            for (JsonNode item : n) {
                flatten(prefix, item, out);
            }
        } else if (!n.isNull()) {
            out.computeIfAbsent(prefix, k -> new ArrayList<>(1)).add(n.asText());
        }
    }

    /** The values of a field; empty when the event does not have it. */
    public List<String> values(String field) {
        return fields.getOrDefault(field, Collections.emptyList());
    }

    /** The first value of a field, or null. */
    public String first(String field) {
        List<String> v = values(field);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Returns a view with {@code field} set to {@code value} (derived fields). */
    public EventView with(String field, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(fields);
        copy.put(field, List.of(value));
        EventView out = new EventView(copy);
        if (timeParsed && !field.equals("@timestamp")) {
            out.time = time;
            out.timeParsed = true;
        }
        return out;
    }

    public String id() {
        return first("event.id");
    }

    /** The event's time, or null when it has none that parses. */
    public Instant time() {
        if (!timeParsed) {
            String t = first("@timestamp");
            try {
                time = t == null ? null : Instant.parse(t);
            } catch (DateTimeParseException e) {
                time = null;
            }
            timeParsed = true;
        }
        return time;
    }

    public Map<String, List<String>> fields() {
        return Collections.unmodifiableMap(fields);
    }
}
