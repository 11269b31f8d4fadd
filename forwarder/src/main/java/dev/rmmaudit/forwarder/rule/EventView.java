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
import java.util.Set;
import java.util.function.Supplier;

/**
 * An event as rules see it: its ECS JSON flattened to dotted field names ({@code user.target.name}), each
 * with one or more text values (arrays give several). The same names analysts use in their SIEM.
 */
public final class EventView {
    /** Every field, or only those in {@link #known} when the view was built from some of them. */
    private final Map<String, List<String>> fields;
    /** The names {@link #fields} answers for; null when it holds every field. */
    private final Set<String> known;
    /** Every field, built when a name outside {@link #known} is asked for; shared by views of one event. */
    private final Whole whole;
    /** Fields set by {@link #with}, which replace the event's own; null when there are none. */
    private final Map<String, List<String>> derived;
    /** {@code @timestamp} parsed, once: rules and derived fields ask for it several times per event. */
    private Instant time;
    private boolean timeParsed;

    private EventView(Map<String, List<String>> fields, Set<String> known, Whole whole,
            Map<String, List<String>> derived) {
        this.fields = fields;
        this.known = known;
        this.whole = whole;
        this.derived = derived;
    }

    /** Flattens an ECS document. */
    public static EventView of(JsonNode ecs) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        flatten("", ecs, fields);
        return new EventView(fields, null, null, null);
    }

    /**
     * A view of fields already flattened (as {@link dev.rmmaudit.forwarder.encode.EcsJsonEncoder#flat} gives
     * them) whose {@code @timestamp} is {@code time}. The map is the view's own from now on.
     */
    public static EventView of(Map<String, List<String>> flattened, Instant time) {
        return timed(new EventView(flattened, null, null, null), time);
    }

    /**
     * A view that holds the fields named in {@code known} (all an event has of them) and builds every field with
     * {@code all} only if a name outside them is asked for: what rules read is known when they are loaded, so
     * the rest is seldom needed. Answers exactly as a view of every field would.
     */
    public static EventView of(Map<String, List<String>> someFields, Set<String> known,
            Supplier<Map<String, List<String>>> all, Instant time) {
        return timed(new EventView(someFields, known, new Whole(all), null), time);
    }

    private static EventView timed(EventView v, Instant time) {
        v.time = time;
        v.timeParsed = true;
        return v;
    }

    /** The whole flattened event, built once on first need. */
    private static final class Whole {
        private Supplier<Map<String, List<String>>> all;
        private Map<String, List<String>> fields;

        Whole(Supplier<Map<String, List<String>>> all) {
            this.all = all;
        }

        Map<String, List<String>> get() {
            if (fields == null) {
                fields = all.get();
                all = null;
            }
            return fields;
        }

        boolean built() {
            return fields != null;
        }
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
        if (derived != null) {
            List<String> d = derived.get(field);
            if (d != null) {
                return d;
            }
        }
        List<String> v = fields.get(field);
        if (v != null) {
            return v;
        }
        return known == null || known.contains(field) ? Collections.emptyList()
                : whole.get().getOrDefault(field, Collections.emptyList());
    }

    /** The first value of a field, or null. */
    public String first(String field) {
        List<String> v = values(field);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Returns a view with {@code field} set to {@code value} (derived fields). */
    public EventView with(String field, String value) {
        Map<String, List<String>> d = derived == null ? new LinkedHashMap<>(4) : new LinkedHashMap<>(derived);
        d.put(field, List.of(value));
        EventView out = new EventView(fields, known, whole, d);
        if (timeParsed && !field.equals("@timestamp")) {
            out.time = time;
            out.timeParsed = true;
        }
        return out;
    }

    /** Whether a name outside the known ones was asked for, so that every field was built. */
    boolean builtWhole() {
        return whole != null && whole.built();
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

    /** Every field, derived ones included, in the event's order (derived ones that are new at the end). */
    public Map<String, List<String>> fields() {
        Map<String, List<String>> all = known == null ? fields : whole.get();
        if (derived == null) {
            return Collections.unmodifiableMap(all);
        }
        Map<String, List<String>> out = new LinkedHashMap<>(all);
        out.putAll(derived);
        return Collections.unmodifiableMap(out);
    }
}
