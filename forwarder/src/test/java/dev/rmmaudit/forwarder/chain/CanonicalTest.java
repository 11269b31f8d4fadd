package dev.rmmaudit.forwarder.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalTest {
    @Test
    void isInstantText_exactlyWhatInstantWrites_otherFormsNot() {
        for (String t : List.of("2026-12-05T10:00:00Z", "2026-12-05T10:00:00.120Z", "2026-12-05T10:00:00.000001Z",
                "2026-12-05T10:00:00.123456789Z")) {
            assertTrue(Canonical.isInstantText(t), t);
            assertTrue(Instant.parse(t).toString().equals(t), t);
        }
        for (String t : List.of("2026-12-05T10:00:00.000Z", "2026-12-05T10:00:00.12Z", "2026-12-05T11:00:00+01:00",
                "2026-12-05 10:00:00Z", "x")) {
            assertFalse(Canonical.isInstantText(t), t);
        }
    }

    @Test
    void form_timeInAnotherZoneOrPrecision_isTheSameInstant() {
        byte[] ours = Canonical.form(Map.of("@timestamp", List.of("2026-12-05T10:00:00.120Z")));
        assertArrayEquals(ours, Canonical.form(Map.of("@timestamp", List.of("2026-12-05T11:00:00.1200000+01:00"))));
    }

    @Test
    void form_fieldsOutsideTheForwardersNames_doNotCount_changedValuesDo() {
        Map<String, List<String>> base = Map.of("event.id", List.of("1"), "event.module", List.of("automate"),
                "automate.changes.Email.to", List.of("a@x"));
        byte[] form = Canonical.form(base);
        assertArrayEquals(form, Canonical.form(Map.of("event.id", List.of("1"), "event.module", List.of("automate"),
                "automate.changes.Email.to", List.of("a@x"), "host.name", List.of("indexer"), "event.hash",
                List.of("ff"), "event.ingested", List.of("now"))));
        assertFalse(java.util.Arrays.equals(form, Canonical.form(Map.of("event.id", List.of("1"), "event.module",
                List.of("automate"), "automate.changes.Email.to", List.of("b@x")))));
    }
}
