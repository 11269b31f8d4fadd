package dev.rmmaudit.forwarder.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged forwarder run as a separate process, the way users run it. */
public final class JarProcess {
    public static final Path JAR = Path.of("target", "forwarder.jar");

    private JarProcess() {
    }

    /** A process builder for {@code java [jvmArgs] -jar forwarder.jar args…}. */
    public static ProcessBuilder builder(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Starts {@code run --config config} with {@code env}, output to {@code log}. */
    public static Process run(Path config, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = builder(List.of("-Xmx256m"), "run", "--config", config.toString());
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (at most a minute) until {@code log} contains {@code text}; fails if the process ends first. */
    public static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the forwarder exited " + p.exitValue() + ":\n"
                        + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no '" + text + "' in " + log + ":\n" + Files.readString(log));
    }
}
