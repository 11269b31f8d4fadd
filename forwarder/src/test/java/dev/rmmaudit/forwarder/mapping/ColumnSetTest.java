package dev.rmmaudit.forwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColumnSetTest {
    @Test
    void contains_anyCase_andOtherNamesNot() {
        ColumnSet s = ColumnSet.of(List.of("Password", "ApiKey"));
        assertTrue(s.contains("password"));
        assertTrue(s.contains("APIKEY"));
        assertFalse(s.contains("Pass"));
        assertFalse(s.contains(null));
        assertTrue(ColumnSet.of(Set.of("password")).contains("PassWord"), "made from a plain set too");
    }

    @Test
    void of_dropsTheSameNameInAnotherCase_andIsReadOnly() {
        ColumnSet s = ColumnSet.of(List.of("Password", "PASSWORD", "Hash"));
        assertEquals(2, s.size());
        assertEquals(List.of("Password", "Hash"), List.copyOf(s));
        assertThrows(UnsupportedOperationException.class, () -> s.add("x"));
        assertTrue(ColumnSet.of(s) == s);
        assertTrue(ColumnSet.of(List.of()).isEmpty());
    }
}
