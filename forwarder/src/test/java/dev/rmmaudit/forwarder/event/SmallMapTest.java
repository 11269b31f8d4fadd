package dev.rmmaudit.forwarder.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class SmallMapTest {
    private static LinkedHashMap<String, String> given() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("zeta", "1");
        m.put("alpha", null);
        m.put("Mid", "3");
        return m;
    }

    @Test
    void copyOf_anyMap_keepsItsOrderAndValuesIncludingNull() {
        Map<String, String> m = SmallMap.copyOf(given());
        assertEquals(List.of("zeta", "alpha", "Mid"), new ArrayList<>(m.keySet()));
        assertEquals(3, m.size());
        assertEquals("1", m.get("zeta"));
        assertEquals("3", m.get("Mid"));
        assertNull(m.get("mid"), "keys are compared exactly");
        assertTrue(m.containsKey("alpha"), "a key whose value is null is still there");
        assertNull(m.get("alpha"));
        assertFalse(m.containsKey("beta"));
        assertFalse(m.containsKey(null));
    }

    @Test
    void copyOf_givenMapChangedAfterwards_copyStaysAsItWas() {
        LinkedHashMap<String, String> g = given();
        Map<String, String> m = SmallMap.copyOf(g);
        g.put("zeta", "changed");
        g.put("new", "x");
        assertEquals("1", m.get("zeta"));
        assertEquals(3, m.size());
    }

    @Test
    void equalsAndHashCode_sameItemsAsAnotherMap_equalBothWays() {
        Map<String, String> m = SmallMap.copyOf(given());
        assertEquals(given(), m);
        assertEquals(m, given());
        assertEquals(given().hashCode(), m.hashCode());
        assertEquals(given().toString(), m.toString());
        LinkedHashMap<String, String> other = given();
        other.put("alpha", "not null");
        assertFalse(m.equals(other));
        assertFalse(other.equals(m));
    }

    @Test
    void forEach_visitsEveryItemInOrder() {
        List<String> seen = new ArrayList<>();
        SmallMap.copyOf(given()).forEach((k, v) -> seen.add(k + "=" + v));
        assertEquals(List.of("zeta=1", "alpha=null", "Mid=3"), seen);
    }

    @Test
    void changes_anyWay_areRefused() {
        Map<String, String> m = SmallMap.copyOf(given());
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> m.remove("zeta"));
        assertThrows(UnsupportedOperationException.class, m::clear);
        assertThrows(UnsupportedOperationException.class, () -> m.entrySet().iterator().next().setValue("y"));
        assertThrows(UnsupportedOperationException.class, () -> m.keySet().remove("zeta"));
        Iterator<Map.Entry<String, String>> i = m.entrySet().iterator();
        i.next();
        assertThrows(UnsupportedOperationException.class, i::remove);
        assertEquals(given(), m);
    }

    @Test
    void iterator_pastTheEnd_throwsNoSuchElement() {
        Iterator<Map.Entry<String, String>> i = SmallMap.copyOf(Map.of("a", "1")).entrySet().iterator();
        assertEquals(Map.entry("a", "1"), i.next());
        assertFalse(i.hasNext());
        assertThrows(NoSuchElementException.class, i::next);
    }

    @Test
    void copyOf_emptyOrSmallMap_sharesInsteadOfCopying() {
        Map<String, String> m = SmallMap.copyOf(given());
        assertSame(m, SmallMap.copyOf(m));
        assertSame(SmallMap.copyOf(Map.of()), SmallMap.copyOf(new LinkedHashMap<String, Integer>()));
        assertTrue(SmallMap.copyOf(Map.of()).isEmpty());
    }

    @Test
    void securityEvent_changesAndAttributes_keepTheBuildersOrderAndCannotBeChanged() {
        SecurityEvent e = SecurityEvent.builder().id("1").time(java.time.Instant.EPOCH).action("a")
                .attribute("z", "1").attribute("a", "2").attribute("skipped", null)
                .change("Email", new SecurityEvent.Change("x", "y")).change("Name", new SecurityEvent.Change(null, "n"))
                .build();
        assertEquals(List.of("z", "a"), new ArrayList<>(e.attributes().keySet()));
        assertEquals(List.of("Email", "Name"), new ArrayList<>(e.changes().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> e.attributes().put("b", "3"));
        assertThrows(UnsupportedOperationException.class, () -> e.changes().remove("Email"));
    }
}
