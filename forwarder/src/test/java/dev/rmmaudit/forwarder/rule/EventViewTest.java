package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventViewTest {
    private static final Instant T = Instant.parse("2026-11-21T10:15:30Z");

    private static Map<String, List<String>> whole() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("event.id", List.of("e1"));
        m.put("user.name", List.of("bob"));
        m.put("event.type", List.of("change", "user"));
        m.put("automate.changes.Email.to", List.of("b@x"));
        return m;
    }

    private static Map<String, List<String>> some(Set<String> known) {
        Map<String, List<String>> m = whole();
        m.keySet().retainAll(known);
        return m;
    }

    @Test
    void ofSomeFields_knownNames_answerWithoutBuildingTheWhole() {
        Set<String> known = Set.of("event.id", "user.name", "source.ip");
        AtomicInteger built = new AtomicInteger();
        EventView v = EventView.of(some(known), known, () -> {
            built.incrementAndGet();
            return whole();
        }, T);
        assertEquals("bob", v.first("user.name"));
        assertNull(v.first("source.ip"), "known and absent");
        assertEquals("e1", v.id());
        assertEquals(T, v.time());
        assertEquals(0, built.get());
        assertFalse(v.builtWhole());
    }

    @Test
    void ofSomeFields_otherName_buildsTheWholeOnceAndAnswersFromIt() {
        Set<String> known = Set.of("event.id");
        AtomicInteger built = new AtomicInteger();
        EventView v = EventView.of(some(known), known, () -> {
            built.incrementAndGet();
            return whole();
        }, T);
        assertEquals(List.of("change", "user"), v.values("event.type"));
        assertEquals("b@x", v.first("automate.changes.Email.to"));
        assertEquals(List.of(), v.values("no.such.field"));
        EventView derived = v.with("forwarder.x", "true");
        assertEquals("bob", derived.first("user.name"));
        assertEquals(1, built.get(), "one build, shared by the views of one event");
        assertTrue(v.builtWhole());
        assertEquals(whole(), v.fields());
    }

    @Test
    void with_derivedField_isSeenByValuesAndFields_andReplacesTheEventsOwn() {
        EventView plain = EventView.of(whole(), T);
        EventView v = plain.with("forwarder.outside_working_hours", "true").with("user.name", "eve");
        assertEquals("true", v.first("forwarder.outside_working_hours"));
        assertEquals("eve", v.first("user.name"));
        assertEquals("bob", plain.first("user.name"), "the original view is unchanged");
        Map<String, List<String>> expected = whole();
        expected.put("user.name", List.of("eve"));
        expected.put("forwarder.outside_working_hours", List.of("true"));
        assertEquals(expected, v.fields());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(v.fields().keySet()),
                "replaced in place, new at the end");
        assertEquals(T, v.time());
        EventView later = v.with("@timestamp", "2026-11-22T00:00:00Z");
        assertEquals(Instant.parse("2026-11-22T00:00:00Z"), later.time(), "a derived @timestamp is parsed");
    }
}
