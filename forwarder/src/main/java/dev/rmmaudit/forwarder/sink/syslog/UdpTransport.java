package dev.rmmaudit.forwarder.sink.syslog;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;

/** One message per datagram (RFC 5426). UDP gives no delivery guarantee at all: documented, not hidden. */
final class UdpTransport implements SyslogTransport {
    private final String host;
    private final int port;
    private DatagramSocket socket;

    UdpTransport(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public void send(List<byte[]> frames) throws IOException {
        if (socket == null) {
            socket = new DatagramSocket();
            socket.connect(new InetSocketAddress(host, port));
        }
        for (byte[] f : frames) {
            socket.send(new DatagramPacket(f, f.length));
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
