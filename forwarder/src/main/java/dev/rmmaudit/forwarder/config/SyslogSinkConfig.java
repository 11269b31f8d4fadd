package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A syslog receiver.
 *
 * @param protocol {@code udp}, {@code tcp} or {@code tls}
 * @param framing {@code octet-counting} or {@code newline}; TLS requires octet counting (RFC 5425)
 * @param rfc {@code 5424} (default) or {@code 3164}
 * @param maxMessageBytes longer messages are cut to this length (UDP datagrams; counted)
 */
public record SyslogSinkConfig(
        String name,
        String format,
        String protocol,
        String host,
        int port,
        String framing,
        String rfc,
        int facility,
        String appName,
        String hostname,
        int maxMessageBytes,
        Duration connectTimeout,
        Duration reconnectInitial,
        Duration reconnectMax,
        TlsConfig tls) implements SinkConfig {

    @Override
    public String type() {
        return "syslog";
    }

    static SyslogSinkConfig read(ConfigNode n, String name, String format, Path baseDir) {
        String protocol = n.choice("protocol", "tcp", "udp", "tcp", "tls");
        String host = n.requiredString("host");
        int defaultPort = switch (protocol) {
            case "tls" -> 6514;
            default -> 514;
        };
        int port = n.integer("port", defaultPort, 1, 65535);
        String framing = n.choice("framing", "octet-counting", "octet-counting", "newline");
        if (n.has("framing") && protocol.equals("udp")) {
            n.child("framing").problem("applies to tcp and tls only (a UDP datagram is one message)");
        }
        if (protocol.equals("tls") && framing.equals("newline")) {
            n.child("framing").problem("must be octet-counting with tls (RFC 5425)");
        }
        String rfc = n.choice("rfc", "5424", "5424", "3164");
        int facility = Facility.read(n.child("facility"));
        String appName = n.string("appName", "rmm-audit");
        if (appName.length() > 48 || !appName.chars().allMatch(c -> c > 32 && c < 127)) {
            n.child("appName").problem("must be 1 to 48 printable ASCII characters without spaces");
        }
        String hostname = n.string("hostname", null);
        int maxBytes = n.integer("maxMessageBytes", protocol.equals("udp") ? 8192 : 65536, 480, 1048576);
        Duration connectTimeout = Durations.read(n.child("connectTimeout"), Duration.ofSeconds(5));
        Duration reconnectInitial = Durations.read(n.child("reconnectInitial"), Duration.ofMillis(200));
        Duration reconnectMax = Durations.read(n.child("reconnectMax"), Duration.ofSeconds(30));
        TlsConfig tls = TlsConfig.read(n.child("tls"), baseDir);
        if (n.has("tls") && !protocol.equals("tls")) {
            n.child("tls").problem("applies only with protocol: tls");
        }
        return new SyslogSinkConfig(name, format, protocol, host, port, framing, rfc, facility, appName, hostname,
                maxBytes, connectTimeout, reconnectInitial, reconnectMax, tls);
    }
}
