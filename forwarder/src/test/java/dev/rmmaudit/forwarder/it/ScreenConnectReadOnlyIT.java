package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged forwarder under an account that may read ScreenConnect's App_Data but write nothing there (the
 * least rights a service account needs), while the databases are written by another account, as the ScreenConnect
 * service does: it reads a stopped server's files as they lie, follows the service once it writes again (its
 * write-ahead log readable, not writable), and names the file and the right when one is missing.
 *
 * <p>Runs the forwarder as {@code nobody} through {@code setpriv}, so it needs root (CI has it); elsewhere it is
 * skipped with a message.
 */
class ScreenConnectReadOnlyIT {
    private static final Pattern LOGIN = Pattern.compile("act=login-(?:succeeded|failed) .*?duser=(user\\d+)");

    @TempDir
    Path dir;

    private static boolean canDropPrivileges() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    private Process generator(Path appData, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", JarProcess.JAR.toAbsolutePath().toString(),
                "dev.rmmaudit.forwarder.demo.ScreenConnectSample", appData.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("generator-" + args[0]
                + ".log").toFile()).start();
    }

    private Process forwarderAsNobody(Path config, String name) throws Exception {
        return new ProcessBuilder("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                JarProcess.JAR.toAbsolutePath().toString(), "run", "--config", config.toString())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".log").toFile())
                .start();
    }

    private Map<String, Integer> logins(String name) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        Path f = dir.resolve(name + ".out");
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                Matcher m = LOGIN.matcher(line);
                if (m.find()) {
                    out.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        return out;
    }

    private static void readableByAll(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
    }

    @Test
    void nobodyAccount_readsAStoppedServerThenFollowsTheServiceAndNamesAMissingRight() throws Exception {
        Assumptions.assumeTrue(canDropPrivileges() || System.getenv("CI") != null,
                "skipped: needs root and setpriv to run the forwarder as nobody");
        assertTrue(canDropPrivileges(), "CI runs as root with setpriv (util-linux)");
        Path appData = dir.resolve("ScreenConnect").resolve("App_Data");
        assertEquals(0, generator(appData, "create").waitFor());
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        readableByAll(dir);
        Files.getFileAttributeView(state, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(
                dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertTrue(Files.notExists(appData.resolve("Security.db-wal")), "the service is stopped: no log beside it");
        Path config = dir.resolve("forwarder.yml");
        Files.writeString(config, """
                source: {type: screenconnect, appData: "%s", stateDir: "%s", pollInterval: 100ms, startAt: beginning}
                drainTimeout: 10s
                sinks:
                  - {name: out, type: stdout, format: cef}
                """.formatted(appData, state));
        readableByAll(config);

        Process forwarder = forwarderAsNobody(config, "stopped");
        try {
            JarProcess.awaitLog(dir.resolve("stopped.log"), "following ScreenConnect", forwarder);
            String log = Files.readString(dir.resolve("stopped.log"));
            assertTrue(log.contains("read as it lies on disk"), log);
            assertTrue(logins("stopped").containsKey("user0") == false, "no generated login yet");
            Process writer = generator(appData, "logins", "300", "5"); // the service writes again, as root
            assertTrue(writer.waitFor(120, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (logins("stopped").size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Map<String, Integer> got = logins("stopped");
            assertEquals(300, got.size(), "every login the service wrote: " + Files.readString(dir.resolve(
                    "stopped.log")));
            assertTrue(got.values().stream().allMatch(n -> n == 1), "each once");
            assertTrue(Files.readString(dir.resolve("stopped.log")).contains("opened again"));
        } finally {
            forwarder.destroy();
            forwarder.waitFor(60, TimeUnit.SECONDS);
        }
        List<Path> written;
        try (Stream<Path> files = Files.list(appData)) {
            written = files.filter(p -> {
                try {
                    return Files.getOwner(p).getName().equals("nobody");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), written, "the forwarder created nothing in App_Data (the service's -wal and -shm"
                + " stay the service's)");

        Files.setPosixFilePermissions(appData.resolve("Session.db"), PosixFilePermissions.fromString("rw-------"));
        Process refused = forwarderAsNobody(config, "refused");
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("refused.log"));
        assertTrue(refused.exitValue() != 0, log);
        assertTrue(log.contains("cannot read " + appData.resolve("Session.db") + ": the forwarder's account needs the"
                + " right to read it"), log);
    }
}
