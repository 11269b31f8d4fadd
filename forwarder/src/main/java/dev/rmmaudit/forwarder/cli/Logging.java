package dev.rmmaudit.forwarder.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets how much the forwarder's own loggers say; libraries stay at WARN (see logback.xml). */
final class Logging {
    private Logging() {
    }

    /** Routes java.util.logging (used by the binlog client) through SLF4J, so one configuration rules. */
    static void bridgeJul() {
        if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
        }
    }

    static void level(String level) {
        Logger own = (Logger) LoggerFactory.getLogger("dev.rmmaudit");
        own.setLevel(Level.toLevel(level, Level.INFO));
    }
}
