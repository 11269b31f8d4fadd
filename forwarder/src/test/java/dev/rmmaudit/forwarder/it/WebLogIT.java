package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.demo.WebLogSample;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged forwarder on IIS logs another process writes while it reads, with a new {@code #Fields:} line
 * mid-file and a daily rollover, killed (SIGKILL) in the middle and started again: every line arrives, and a line
 * sent twice (the batch in flight at the kill) carries the same event id, so a SIEM drops it.
 */
class WebLogIT {
    private static final int LINES = 1_500;

    @TempDir
    Path dir;

    private Process forwarder(Path config, String log) throws Exception {
        return JarProcess.builder(List.of("-Xmx256m"), "run", "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
    }

    @Test
    void writerProcessFieldsChangeAndRollover_sigkillMidway_everyLineArrivesRepeatsKeepTheirIds() throws Exception {
        Path logs = dir.resolve("W3SVC1");
        Files.createDirectories(logs);
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    sources:
                      - {type: logfile, name: iis, format: w3c, paths: ["%s/u_ex*.log"], startAt: beginning,
                         pollInterval: 100ms}
                    rules: {enabled: false}
                    inventory: {interval: 0}
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef}
                    """.formatted(logs.toString().replace('\\', '/'), receiver.port()));
            Process first = forwarder(config, "first.log");
            JarProcess.awaitLog(dir.resolve("first.log"), "log source iis: following", first);
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", JarProcess.JAR.toString(), WebLogSample.class.getName(), logs.toString(),
                    Integer.toString(LINES), "3").redirectErrorStream(true).redirectOutput(dir.resolve("writer.log")
                    .toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (receiver.messages().size() < LINES / 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            first.destroyForcibly(); // SIGKILL while the writer writes and the forwarder reads
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            int beforeKill = receiver.messages().size();
            Process second = forwarder(config, "second.log");
            try {
                assertTrue(writer.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, writer.exitValue());
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                Map<String, Set<String>> idsBySource = new HashMap<>();
                while (System.nanoTime() < deadline) {
                    idsBySource.clear();
                    for (String m : List.copyOf(receiver.messages())) {
                        CefParser.Cef c = CefParser.parse(m);
                        idsBySource.computeIfAbsent(c.get("src"), k -> new HashSet<>()).add(c.get("externalId"));
                    }
                    if (idsBySource.size() >= LINES) {
                        break;
                    }
                    Thread.sleep(100);
                }
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < LINES; i++) {
                    expected.add(WebLogSample.address(i));
                }
                assertEquals(expected, idsBySource.keySet(), "every line, across the #Fields: change, the rollover"
                        + " and the kill");
                assertTrue(idsBySource.values().stream().allMatch(ids -> ids.size() == 1), "a line sent twice has"
                        + " one event id");
                int repeats = receiver.messages().size() - LINES;
                assertTrue(beforeKill > 0 && beforeKill < LINES, "the kill fell in the middle: " + beforeKill);
                System.out.println("[WebLogIT] " + LINES + " lines, SIGKILL after " + beforeKill + " messages, "
                        + repeats + " sent again with the same id");
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
