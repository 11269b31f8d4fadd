package dev.rmmaudit.forwarder.source.screenconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-05T02:00:00Z");

    @TempDir
    Path dir;

    @Test
    void read_noFile_keepsScreenConnectsDefaults() {
        Retention r = Retention.read(dir.resolve("ServerConfiguration.xml"));
        assertEquals(Duration.ofDays(180), r.of("SecurityEvent"));
        assertEquals(Duration.ofDays(30), r.of("SessionEvent"));
    }

    @Test
    void read_planWithDays_replacesTheDefaults() throws Exception {
        Path f = dir.resolve("ServerConfiguration.xml");
        Files.writeString(f, "<ServerConfiguration><Setting Name=\"DatabaseMaintenancePlan\"><Value>"
                + "{&quot;Actions&quot;:[{&quot;ActionType&quot;:&quot;PurgeSecurityEvents&quot;,&quot;DaysAgo&quot;:90},"
                + "{&quot;ActionType&quot;:&quot;PurgeSessionEvents&quot;,&quot;DaysAgo&quot;:7}]}</Value></Setting>"
                + "</ServerConfiguration>");
        Retention r = Retention.read(f);
        assertEquals(Duration.ofDays(90), r.of("SecurityEvent"));
        assertEquals(Duration.ofDays(7), r.of("SessionConnectionEvent"));
        assertTrue(r.toString().contains("DatabaseMaintenancePlan"), r.toString());
    }

    @Test
    void read_planWithoutDays_keepsTheDefaults() throws Exception {
        Path f = dir.resolve("ServerConfiguration.xml");
        Files.writeString(f, "<ServerConfiguration><Setting Name=\"DatabaseMaintenancePlan\"><Value>none</Value>"
                + "</Setting></ServerConfiguration>");
        assertEquals(Retention.DEFAULT, Retention.read(f));
    }

    @Test
    void purged_rowAsOldAsTheRetention_isThePurgeAndAYoungerOneIsNot() {
        Retention r = Retention.DEFAULT;
        assertTrue(r.purged("SecurityEvent", NOW.minus(Duration.ofDays(180)), NOW));
        assertTrue(r.purged("SecurityEvent", NOW.minus(Duration.ofDays(179)).minusSeconds(60), NOW),
                "within the day the plan's run may take");
        assertFalse(r.purged("SecurityEvent", NOW.minus(Duration.ofDays(100)), NOW));
        assertTrue(r.purged("SessionEvent", NOW.minus(Duration.ofDays(31)), NOW));
        assertFalse(r.purged("SessionEvent", NOW.minusSeconds(30), NOW));
        assertFalse(r.purged("SessionEvent", null, NOW), "a row without a time is never taken as purged");
    }
}
