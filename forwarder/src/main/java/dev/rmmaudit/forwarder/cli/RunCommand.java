package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the forwarder until it is stopped (SIGTERM, Ctrl-C) or fails. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Follow the Automate binlog and forward security events to the configured sinks until stopped.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal after delivering what it had read",
            "1:stopped on an error (database, sink, I/O)", "2:the configuration is invalid"})
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "the forwarder's own log level: error, warn, info, debug (default: ${DEFAULT-VALUE})")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        Logging.level(logLevel);
        ForwarderConfig c;
        try {
            c = ForwarderConfig.load(config, Env.system());
        } catch (ConfigException e) {
            System.err.println(config + ": invalid configuration");
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        }
        Forwarder forwarder;
        try {
            forwarder = Forwarder.start(c);
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        } catch (java.sql.SQLException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.err.println("cannot read the Automate database at " + c.source().host() + ":" + c.source().port()
                    + ": " + root.getMessage());
            if (String.valueOf(root.getMessage()).contains("Access denied")) {
                System.err.println("  check the user, the password and the grants (README: Running it against "
                        + "Automate); an anonymous ''@'localhost' account can shadow 'user'@'%'");
            }
            return ExitCodes.FAILED;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<Void> stopRequested = new CompletableFuture<>();
        StopSignals.onStop(() -> stopRequested.complete(null));
        // Where signals cannot be caught, the JVM's shutdown still closes the forwarder (offsets committed).
        Thread hook = new Thread(() -> {
            if (stopping.compareAndSet(false, true)) {
                forwarder.close();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CompletableFuture.anyOf(forwarder.completion(), stopRequested).get();
            if (stopRequested.isDone() && stopping.compareAndSet(false, true)) {
                forwarder.close();
            }
            forwarder.completion().get();
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            if (stopping.get()) {
                return ExitCodes.OK;
            }
            System.err.println("the binlog reader stopped: " + e.getCause().getMessage());
            return ExitCodes.FAILED;
        }
    }
}
