package dev.rmmaudit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairedDrainsTest {
    @Test
    void parse_drainLinesAmongLogLines_keepsOnlyTheDrains() {
        PairedDrains.Turn t = PairedDrains.parse(List.of("2026-11-22 INFO starting", "DRAIN\traw\t72810\t11.20\t15.70",
                "DRAIN\traw\t96982\t8.40\t11.70", "DRAIN\traw\tonly three", "drain\traw\t1\t1\t1"));
        assertEquals(List.of(72810.0, 96982.0), t.rates());
        assertEquals(List.of(11.2, 8.4), t.reader());
        assertEquals(List.of(15.7, 11.7), t.total());
    }

    @Test
    void table_threePairs_givesEachRatioTheOverallMedianAndHowOftenBWasFaster() {
        List<PairedDrains.Turn> as = List.of(turn(100, 110, 90), turn(200, 200, 200), turn(50, 50, 50));
        List<PairedDrains.Turn> bs = List.of(turn(150, 150, 150), turn(100, 100, 100), turn(60, 60, 60));
        String table = PairedDrains.table("raw", 1000, 3, as, bs);
        assertTrue(table.contains("| 1 | 100 | 150 | 1.50 |"), table);
        assertTrue(table.contains("| 2 | 200 | 100 | 0.50 |"), table);
        assertTrue(table.contains("| 3 | 50 | 60 | 1.20 |"), table);
        // medians over all nine drains of each side: A (50 x3, 90, 100, 110, 200 x3) -> 100; B (60 x3, 100 x3,
        // 150 x3) -> 100
        assertTrue(table.contains("| all drains | 100 | 100 | 1.00 |"), table);
        assertTrue(table.contains("B faster in 2 of 3 pairs."), table);
        // reader CPU is 1e6 / rate here: medians 10,000 (A) and 10,000 (B)
        assertTrue(table.contains("binlog reader A 10000.0, B 10000.0"), table);
    }

    private static PairedDrains.Turn turn(double... rates) {
        List<Double> r = java.util.Arrays.stream(rates).boxed().toList();
        return new PairedDrains.Turn(r, r.stream().map(x -> 1e6 / x).toList(), r.stream().map(x -> 2e6 / x).toList());
    }
}
