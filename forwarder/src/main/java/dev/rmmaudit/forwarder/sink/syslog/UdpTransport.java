package dev.rmmaudit.forwarder.sink.syslog;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** One message per datagram (RFC 5426). UDP gives no delivery guarantee at all: documented, not hidden. */
final class UdpTransport implements SyslogTransport {
    private final String host;
    private final int port;
    private volatile DatagramSocket socket;

    UdpTransport(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public void send(Frames frames) throws IOException {
        DatagramSocket s = socket;
        if (s == null) {
            s = new DatagramSocket();
            s.connect(new InetSocketAddress(host, port));
            socket = s;
        }
        for (int i = 0; i < frames.count(); i++) {
            s.send(new DatagramPacket(frames.bytes(), frames.start(i), frames.end(i) - frames.start(i)));
        }
    }

    @Override
    public void close() {
        DatagramSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
    }
}
