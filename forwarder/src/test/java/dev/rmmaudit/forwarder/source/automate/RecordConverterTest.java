package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordConverterTest {
    private static Map<String, Object> row(Object password) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("UserID", 3);
        r.put("Password", password);
        return r;
    }

    @Test
    void maskSecrets_changedValue_isMarkedChangedAndNeitherValueRemains() {
        Map<String, Object> before = row("old-hash");
        Map<String, Object> after = row("new-hash");
        RecordConverter.maskSecrets(before, after, Set.of("password"));
        assertEquals(RecordConverter.SECRET, before.get("Password"));
        assertEquals(RecordConverter.SECRET_CHANGED, after.get("Password"));
        assertEquals(3, after.get("UserID"));
    }

    @Test
    void maskSecrets_sameValueOrInsert_isNotMarkedChanged() {
        Map<String, Object> before = row(new byte[] {1, 2});
        Map<String, Object> after = row(new byte[] {1, 2});
        RecordConverter.maskSecrets(before, after, Set.of("password"));
        assertEquals(RecordConverter.SECRET, after.get("Password"));
        Map<String, Object> created = row("hash");
        RecordConverter.maskSecrets(new LinkedHashMap<>(), created, Set.of("password"));
        assertEquals(RecordConverter.SECRET, created.get("Password"));
    }
}
