package dev.rmmaudit.forwarder.config;

import java.time.Duration;

/**
 * How the forwarder can be watched: its heartbeat every {@code heartbeat} (0: none), and, where {@code metricsListen}
 * is set ({@code host:port}), {@code /metrics} (Prometheus) and {@code /health} served there.
 */
public record WatchConfig(Duration heartbeat, String metricsHost, int metricsPort) {

    /** A configuration file's default: a heartbeat every minute, no metrics endpoint. */
    public static final WatchConfig DEFAULT = new WatchConfig(Duration.ofSeconds(60), null, 0);
    /** A configuration built in code (the demo, the tests): nothing. */
    public static final WatchConfig OFF = new WatchConfig(Duration.ZERO, null, 0);

    public boolean servesMetrics() {
        return metricsHost != null;
    }

    static WatchConfig read(ConfigNode heartbeatNode, ConfigNode metricsNode) {
        Duration beat = Durations.read(heartbeatNode.child("interval"), DEFAULT.heartbeat());
        if (beat.isNegative()) {
            heartbeatNode.child("interval").problem("must be 0 (off) or longer");
        }
        if (heartbeatNode.isPresent()) {
            heartbeatNode.rejectUnknownKeys();
        }
        String host = null;
        int port = 0;
        if (metricsNode.isPresent()) {
            String listen = metricsNode.string("listen", "127.0.0.1:9404");
            int colon = listen.lastIndexOf(':');
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
                host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                metricsNode.child("listen").problem("must be host:port, such as 127.0.0.1:9404, not '" + listen + "'");
                host = null;
            }
            metricsNode.rejectUnknownKeys();
        }
        return new WatchConfig(beat, host, port);
    }
}
