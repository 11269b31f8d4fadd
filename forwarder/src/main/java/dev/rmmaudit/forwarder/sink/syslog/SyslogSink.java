package dev.rmmaudit.forwarder.sink.syslog;

import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Backoff;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events to a syslog receiver over UDP, TCP or TLS, framed by octet counting (RFC 6587 / 5425) or
 * a newline. A failed send closes the connection and retries the whole batch after a backoff, for as long
 * as it takes: at-least-once, never an unbounded queue.
 */
public final class SyslogSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSink.class);

    private final SyslogSinkConfig config;
    private final Encoder encoder;
    private final SyslogFormatter formatter;
    private final SyslogTransport transport;
    private final Backoff backoff;
    private final SinkMetrics metrics = new SinkMetrics();
    private final Frames.Framing framing;
    /** Reused batch after batch by the one thread that delivers (the sink's worker). */
    private final StringBuilder text = new StringBuilder(2048);
    private final Frames frames = new Frames();
    private volatile boolean closed;

    public SyslogSink(SyslogSinkConfig config) {
        this.config = config;
        this.encoder = Encoder.forFormat(config.format());
        this.formatter = new SyslogFormatter(config.rfc(), config.facility(),
                config.hostname() != null ? config.hostname() : localHostName(), config.appName(),
                Long.toString(ProcessHandle.current().pid()));
        this.transport = switch (config.protocol()) {
            case "udp" -> new UdpTransport(config.host(), config.port());
            case "tls" -> StreamTransport.tls(config.host(), config.port(), config.connectTimeout(), config.tls());
            default -> StreamTransport.tcp(config.host(), config.port(), config.connectTimeout());
        };
        this.backoff = new Backoff(config.reconnectInitial(), config.reconnectMax());
        this.framing = config.protocol().equals("udp") ? Frames.Framing.NONE
                : config.framing().equals("newline") ? Frames.Framing.NEWLINE : Frames.Framing.OCTET;
        if (config.protocol().equals("tls") && !config.tls().verify()) {
            LOG.warn("sink {}: TLS certificate verification is OFF (tls.verify: false); use only in a lab",
                    config.name());
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public SinkMetrics metrics() {
        return metrics;
    }

    @Override
    public void deliver(List<SecurityEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        frames.clear();
        for (SecurityEvent e : batch) {
            text.setLength(0);
            formatter.header(e, text);
            encoder.encode(e, text);
            if (frames.add(text, config.maxMessageBytes(), framing)) {
                metrics.truncated();
            }
        }
        if (text.capacity() > 64 * 1024) {
            text.setLength(0);
            text.trimToSize(); // one huge event must not keep its builder for good
            text.ensureCapacity(2048);
        }
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new InterruptedException("sink " + config.name() + " is closed; the batch was not delivered");
            }
            try {
                transport.send(frames);
                metrics.sent(frames.count());
                if (attempt > 1) {
                    LOG.info("sink {}: delivered again to {}:{} after {} attempts", config.name(), config.host(),
                            config.port(), attempt);
                }
                return;
            } catch (IOException e) {
                transport.close();
                metrics.failed();
                long wait = backoff.delay(attempt).toMillis();
                if (attempt == 1 || attempt % 20 == 0) {
                    LOG.warn("sink {}: cannot send to {}:{} over {} ({}); retrying the batch of {} (attempt {})",
                            config.name(), config.host(), config.port(), config.protocol(), e.toString(),
                            frames.count(), attempt);
                }
                Thread.sleep(wait);
                metrics.retried();
            }
        }
    }

    /** Closes the connection; a {@link #deliver} still retrying gives up with an InterruptedException. */
    @Override
    public void close() {
        closed = true;
        transport.close();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "-";
        }
    }
}
