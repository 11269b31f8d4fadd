package dev.rmmaudit.forwarder.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rmmaudit.forwarder.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in this JVM and returns what it printed (standard output and error together). */
public final class CliRun {
    private CliRun() {
    }

    public static String run(int expectedExit, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(ps);
        System.setErr(ps);
        int exit;
        try {
            exit = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, printed);
        return printed;
    }
}
