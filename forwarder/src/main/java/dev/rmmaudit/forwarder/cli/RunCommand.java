package dev.rmmaudit.forwarder.cli;

import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.event.HealthAlerts;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.source.automate.AutomateSource;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL",
            description = "the forwarder's own log level: error, warn, info, debug (default: ${DEFAULT-VALUE})")
    String logLevel;

    @Option(names = "--resnapshot", description = "forget the stored binlog position and schema history (moved "
            + "aside under stateDir), snapshot the schema again and follow from the current position. For when the "
            + "stored position was purged from the server; the changes in between are not forwarded, and an alert "
            + "says so")
    boolean resnapshot;

    @Option(names = "--inventory-now", description = "send the inventory (every user with their rights) at start,"
            + " whenever the last one was sent")
    boolean inventoryNow;

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
        java.nio.file.Path aside = null;
        if (resnapshot && c.source() == null) {
            System.err.println("--resnapshot applies to an automate source, and " + config + " has none");
            return ExitCodes.INVALID;
        }
        if (resnapshot) {
            try {
                aside = AutomateSource.resetPosition(c.source());
            } catch (java.io.IOException e) {
                System.err.println("cannot move the stored position aside in " + c.source().stateDir() + ": " + e);
                return ExitCodes.FAILED;
            }
            LOG.warn("--resnapshot: stored binlog position {}; following from the current position", aside == null
                    ? "absent (nothing to reset)" : "moved to " + aside);
        }
        Forwarder forwarder;
        try {
            forwarder = Forwarder.start(c, c.sinks().stream().map(dev.rmmaudit.forwarder.sink.Sinks::create).toList(),
                    inventoryNow);
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("  " + p));
            return ExitCodes.INVALID;
        } catch (java.io.IOException e) {
            System.err.println("cannot read ScreenConnect's files: " + e.getMessage());
            return ExitCodes.FAILED;
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
        if (resnapshot) {
            forwarder.pipeline().raise(HealthAlerts.of(Forwarder.POSITION_RESET, "Forwarder binlog position reset",
                    "database", 7, "the stored binlog position was reset with --resnapshot (previous state in "
                            + aside + "): following " + c.source().host() + ":" + c.source().port() + "/"
                            + c.source().database() + " from the current position; changes written while the "
                            + "forwarder was not reading were not forwarded", java.util.Map.of("state.dir",
                            c.source().stateDir().toString()), java.time.Instant.now()), null);
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
            if (stopping.compareAndSet(false, true)) {
                forwarder.close(); // delivers what was read, and the alert about the failure
            }
            return ExitCodes.FAILED;
        }
    }
}
