package dev.rmmaudit.forwarder.health;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped service definitions restart the forwarder when it fails, and check its configuration first. */
class ServiceDefinitionsTest {
    private static final Path PACKAGING = Path.of("..", "packaging");

    @Test
    void serviceDefinitions_restartOnFailure() throws Exception {
        String unit;
        try (var files = Files.list(PACKAGING.resolve("systemd"))) {
            unit = Files.readString(files.filter(p -> p.toString().endsWith(".service")).findFirst().orElseThrow());
        }
        assertTrue(unit.lines().anyMatch(l -> l.trim().equals("Restart=on-failure")), unit);
        assertTrue(unit.contains("ExecStartPre=") && unit.contains(" validate --config "), unit);
        String winsw = Files.readString(PACKAGING.resolve("windows").resolve("rmm-audit-forwarder.xml"));
        assertTrue(winsw.contains("<onfailure action=\"restart\""), winsw);
        assertTrue(winsw.contains("<log mode=\"roll-by-size\">"), winsw);
    }

    /** The JVM options bench/run-day measured for a small resident service (docs/operations.md, Memory). */
    static final String JVM = "-Xms16m -Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=128m "
            + "-XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 "
            + "-XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";

    @Test
    void serviceDefinitions_allRunTheMeasuredJvmOptions() throws Exception {
        String unit = Files.readString(PACKAGING.resolve("systemd").resolve("rmm-audit-forwarder.service"));
        assertTrue(unit.contains("ExecStart=/usr/bin/java " + JVM + " -jar "), unit);
        String winsw = Files.readString(PACKAGING.resolve("windows").resolve("rmm-audit-forwarder.xml"));
        assertTrue(winsw.contains("<arguments>" + JVM + " -jar "), winsw);
        String docker = Files.readString(PACKAGING.resolve("container").resolve("Dockerfile"));
        assertTrue(docker.contains("\"java\", \"" + JVM.replace(" ", "\", \"") + "\", \"-jar\""), docker);
    }
}
