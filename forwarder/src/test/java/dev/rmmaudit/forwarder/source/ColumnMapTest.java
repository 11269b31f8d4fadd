package dev.rmmaudit.forwarder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnMapTest {
    private static LinkedHashMap<String, Object> row() {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("UserID", 7);
        m.put("Name", "bob");
        m.put("Last_Date", null);
        return m;
    }

    @Test
    void adopt_lookupsInAnyCase_findTheColumn() {
        Map<String, Object> c = ColumnMap.adopt(row());
        assertEquals(7, c.get("UserID"));
        assertEquals(7, c.get("userid"));
        assertEquals("bob", c.get("NAME"));
        assertTrue(c.containsKey("last_date"), "a column whose value is null is still there");
        assertNull(c.get("Password"));
        assertFalse(c.containsKey("Password"));
    }

    @Test
    void adopt_keepsTheSourceOrderAndIsReadOnly() {
        Map<String, Object> c = ColumnMap.adopt(row());
        assertEquals(List.of("UserID", "Name", "Last_Date"), List.copyOf(c.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.entrySet().iterator().next().setValue(1));
    }

    @Test
    void of_columnMap_isReturnedAsItIs_andEmptyRowsShareOneInstance() {
        Map<String, Object> c = ColumnMap.adopt(row());
        assertTrue(ColumnMap.of(c) == c);
        assertTrue(ColumnMap.adopt(new LinkedHashMap<>()) == ColumnMap.of(null));
    }
}
