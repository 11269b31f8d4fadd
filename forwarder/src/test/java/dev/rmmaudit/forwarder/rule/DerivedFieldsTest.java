package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rmmaudit.forwarder.config.RulesConfig.WorkingHours;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerivedFieldsTest {
    private static final WorkingHours BERLIN = new WorkingHours(ZoneId.of("Europe/Berlin"),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0));

    @TempDir
    Path dir;

    private static EventView login(String time, String user, String ip) throws Exception {
        return RuleTesting.event("{\"@timestamp\":\"" + time + "\",\"event\":{\"category\":[\"authentication\"],"
                + "\"outcome\":\"success\"},\"user\":{\"target\":{\"name\":\"" + user + "\"}}"
                + (ip == null ? "" : ",\"source\":{\"ip\":\"" + ip + "\"}") + "}");
    }

    @Test
    void outsideHours_usesTheConfiguredZone() throws Exception {
        DerivedFields d = new DerivedFields(BERLIN, null);
        // 07:30 UTC on a Thursday in November is 08:30 in Berlin: inside
        assertEquals("false", d.apply(login("2026-11-19T07:30:00Z", "a", null)).first(DerivedFields.OUTSIDE_HOURS));
        // 17:30 UTC is 18:30 in Berlin: outside
        assertEquals("true", d.apply(login("2026-11-19T17:30:00Z", "a", null)).first(DerivedFields.OUTSIDE_HOURS));
        // Saturday noon: outside
        assertEquals("true", d.apply(login("2026-11-21T11:00:00Z", "a", null)).first(DerivedFields.OUTSIDE_HOURS));
    }

    @Test
    void outsideHours_nightShiftAcrossMidnight() {
        WorkingHours night = new WorkingHours(ZoneId.of("UTC"), EnumSet.allOf(DayOfWeek.class), LocalTime.of(22, 0),
                LocalTime.of(6, 0));
        assertEquals(true, night.contains(java.time.Instant.parse("2026-11-19T23:30:00Z")));
        assertEquals(true, night.contains(java.time.Instant.parse("2026-11-19T05:59:00Z")));
        assertEquals(false, night.contains(java.time.Instant.parse("2026-11-19T12:00:00Z")));
    }

    @Test
    void newSource_firstLoginTeaches_thenNewAddressIsFlagged_andSurvivesRestart() throws Exception {
        Path file = dir.resolve("known.json");
        DerivedFields d = new DerivedFields(BERLIN, file);
        assertEquals("false", d.apply(login("2026-11-19T09:00:00Z", "dave", "10.0.0.5")).first(DerivedFields.NEW_SOURCE));
        assertEquals("false", d.apply(login("2026-11-19T10:00:00Z", "Dave", "10.0.0.5")).first(DerivedFields.NEW_SOURCE));
        d.flush();
        DerivedFields restarted = new DerivedFields(BERLIN, file);
        assertEquals("true", restarted.apply(login("2026-11-19T11:00:00Z", "dave", "203.0.113.99"))
                .first(DerivedFields.NEW_SOURCE));
        assertEquals("false", restarted.apply(login("2026-11-19T12:00:00Z", "dave", "203.0.113.99"))
                .first(DerivedFields.NEW_SOURCE), "known after the first time");
    }

    @Test
    void failedLogin_getsNoDerivedFields() throws Exception {
        EventView failed = RuleTesting.event("{\"@timestamp\":\"2026-11-21T02:00:00Z\",\"event\":{\"category\":"
                + "[\"authentication\"],\"outcome\":\"failure\"},\"user\":{\"target\":{\"name\":\"x\"}}}");
        assertNull(new DerivedFields(BERLIN, null).apply(failed).first(DerivedFields.OUTSIDE_HOURS));
    }
}
