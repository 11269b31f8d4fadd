package dev.rmmaudit.forwarder.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into an orderly stop on the main thread, so the forwarder commits what it
 * delivered and exits 0 (the JVM's own handling would end with 143). Where the platform offers no such
 * signal, the caller's shutdown hook still closes the forwarder.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    @SuppressWarnings("restriction")
    static void onStop(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    LOG.info("SIG{} received: stopping after the batch in hand", name);
                    stop.run();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("cannot handle SIG{} here: {}", name, e.toString());
            }
        }
    }
}
