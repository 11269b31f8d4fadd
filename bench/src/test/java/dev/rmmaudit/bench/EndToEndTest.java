package dev.rmmaudit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndTest {
    private static final String JIT = ThreadCpu.GROUPS.get(5);

    @Test
    void jitShare_severalDrains_givesTheJitsShareOfTheirCpuTogether() {
        List<EndToEnd.Drain> round = List.of(drain(1.0, 20.0), drain(3.0, 30.0), drain(0.5, 25.0));
        assertEquals(4.5 / 75.0, EndToEnd.jitShare(round), 1e-9);
    }

    @Test
    void jitShare_aDrainWithoutCpuFigures_isLeftOut() {
        List<EndToEnd.Drain> round = List.of(new EndToEnd.Drain(1000, 5, Map.of()), drain(2.0, 40.0));
        assertEquals(0.05, EndToEnd.jitShare(round), 1e-9);
    }

    @Test
    void jitShare_noCpuFiguresAtAll_isNaN() {
        List<EndToEnd.Drain> round = List.of(new EndToEnd.Drain(1000, 5, Map.of()));
        assertTrue(Double.isNaN(EndToEnd.jitShare(round)));
    }

    @Test
    void inStateDir_workDone_directoryAndItsFilesAreDeleted() throws Exception {
        Path[] seen = new Path[1];
        String out = EndToEnd.inStateDir("bench-test", state -> {
            seen[0] = state;
            Files.createDirectories(state.resolve("sub"));
            Files.writeString(state.resolve("sub/offsets.dat"), "x");
            return "result";
        });
        assertEquals("result", out);
        assertFalse(Files.exists(seen[0]));
    }

    @Test
    void inStateDir_workFails_directoryIsDeletedAndTheFailureKept() {
        Path[] seen = new Path[1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EndToEnd.inStateDir("bench-test",
                state -> {
                    seen[0] = state;
                    Files.writeString(state.resolve("dead.jsonl"), "x");
                    throw new IllegalStateException("drain failed");
                }));
        assertEquals("drain failed", e.getMessage());
        assertFalse(Files.exists(seen[0]));
    }

    private static EndToEnd.Drain drain(double jit, double total) {
        return new EndToEnd.Drain(1000, 5, Map.of(JIT, jit, "total", total));
    }
}
