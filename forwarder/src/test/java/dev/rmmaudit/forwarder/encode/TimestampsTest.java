package dev.rmmaudit.forwarder.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static List<Instant> instants() {
        List<Instant> out = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1),
                Instant.parse("2000-02-29T23:59:59.999Z"), Instant.parse("2000-03-01T00:00:00Z"),
                Instant.parse("2100-02-28T12:00:00.000001Z"), Instant.parse("2100-03-01T00:00:00.1Z"),
                Instant.parse("2026-11-22T10:15:30.120Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.ofEpochSecond(-1, 5),
                Instant.parse("1969-12-31T23:59:59Z"),
                Instant.parse("0001-01-01T00:00:00Z"), Instant.MIN, Instant.MAX));
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            long seconds = Math.floorMod(random.nextLong(), 253_402_300_800L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            out.add(Instant.ofEpochSecond(seconds, nano));
        }
        return out;
    }

    @Test
    void iso_anyInstant_isWhatInstantToStringWrites() {
        for (Instant t : instants()) {
            assertEquals(t.toString(), Timestamps.iso(t));
        }
    }

    @Test
    void isoMillis_anyInstant_isTheFormatterOnTheInstantCutToMilliseconds() {
        for (Instant t : instants()) {
            StringBuilder out = new StringBuilder("x");
            Timestamps.isoMillis(t, out);
            assertEquals("x" + DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS)), out.toString());
        }
    }
}
