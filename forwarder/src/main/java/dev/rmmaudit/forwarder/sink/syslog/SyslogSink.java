package dev.rmmaudit.forwarder.sink.syslog;

import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.encode.Encoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Backoff;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.SinkMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        List<byte[]> frames = new ArrayList<>(batch.size());
        for (SecurityEvent e : batch) {
            frames.add(frame(formatter.format(e, encoder.encode(e))));
        }
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new InterruptedException("sink " + config.name() + " is closed; the batch was not delivered");
            }
            try {
                transport.send(frames);
                metrics.sent(frames.size());
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
                            frames.size(), attempt);
                }
                Thread.sleep(wait);
                metrics.retried();
            }
        }
    }

    /** The bytes of one message with its framing; cut to {@code maxMessageBytes} on a character boundary. */
    byte[] frame(String message) {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        if (msg.length > config.maxMessageBytes()) {
            int end = config.maxMessageBytes();
            while (end > 0 && (msg[end] & 0xC0) == 0x80) {
                end--;
            }
            msg = java.util.Arrays.copyOf(msg, end);
            metrics.truncated();
        }
        if (config.protocol().equals("udp")) {
            return msg;
        }
        if (config.framing().equals("newline")) {
            byte[] out = java.util.Arrays.copyOf(msg, msg.length + 1);
            out[msg.length] = '\n';
            return out;
        }
        byte[] prefix = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + msg.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(msg, 0, out, prefix.length, msg.length);
        return out;
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
