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
    void of_lookupsInAnyCase_findTheColumn() {
        Map<String, Object> c = ColumnMap.of(row());
        assertEquals(7, c.get("UserID"));
        assertEquals(7, c.get("userid"));
        assertEquals("bob", c.get("NAME"));
        assertTrue(c.containsKey("last_date"), "a column whose value is null is still there");
        assertNull(c.get("Password"));
        assertFalse(c.containsKey("Password"));
    }

    @Test
    void of_keepsTheSourceOrderAndIsReadOnly() {
        Map<String, Object> c = ColumnMap.of(row());
        assertEquals(List.of("UserID", "Name", "Last_Date"), List.copyOf(c.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.entrySet().iterator().next().setValue(1));
    }

    @Test
    void of_columnMap_isReturnedAsItIs_andEmptyRowsShareOneInstance() {
        Map<String, Object> c = ColumnMap.of(row());
        assertTrue(ColumnMap.of(c) == c);
        assertTrue(ColumnMap.of(new LinkedHashMap<>()) == ColumnMap.of(null));
    }

    @Test
    void ofColumns_rowsShareTheNames_eachKeepsItsOwnValues() {
        ColumnMap.Columns columns = ColumnMap.Columns.of(List.of("UserID", "Name", "name"));
        Map<String, Object> a = ColumnMap.of(columns, new Object[] {1, "ann", "second spelling"});
        Map<String, Object> b = ColumnMap.of(columns, new Object[] {2, "bob", null});
        assertEquals("ann", a.get("Name"));
        assertEquals("second spelling", a.get("name"), "the exact spelling wins");
        assertEquals("ann", a.get("NAME"), "another spelling finds the first column of that name");
        assertEquals(2, b.get("userid"));
        assertEquals(new LinkedHashMap<>(b), b, "equal to a map of the same entries");
        assertEquals(3, b.entrySet().size());
    }

    @Test
    void ofColumns_duplicateNameOrWrongCount_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ColumnMap.Columns.of(List.of("a", "b", "a")));
        ColumnMap.Columns columns = ColumnMap.Columns.of(List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> ColumnMap.of(columns, new Object[] {1}));
    }

    @Test
    void of_mapWithNullKeyOrValues_keepsThem() {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put(null, "odd");
        m.put("A", null);
        Map<String, Object> c = ColumnMap.of(m);
        assertEquals("odd", c.get(null));
        assertTrue(c.containsKey("a"));
        assertNull(c.get("a"));
        assertFalse(c.containsKey("b"));
    }
}
