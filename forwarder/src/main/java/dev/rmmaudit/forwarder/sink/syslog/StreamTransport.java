package dev.rmmaudit.forwarder.sink.syslog;

import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.sink.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TCP or TLS connection to a syslog receiver, opened on first use. Writes block while the receiver is
 * slow, which is the backpressure we want. Before each batch it checks that the receiver has not closed
 * the connection, so a restarted receiver costs a reconnect rather than a lost batch.
 */
final class StreamTransport implements SyslogTransport {
    /** The most one write hands the socket, unless a single frame is longer. */
    static final int CHUNK_BYTES = 64 * 1024;
    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private final SSLSocketFactory tls;
    private final boolean verifyHostname;
    /** The open connection, replaced as a whole so that {@link #close()} from another thread is safe. */
    private volatile Connection connection;

    private record Connection(Socket socket, OutputStream out, InputStream in) {
    }

    private StreamTransport(String host, int port, Duration connectTimeout, SSLSocketFactory tls,
            boolean verifyHostname) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        this.verifyHostname = verifyHostname;
    }

    static StreamTransport tcp(String host, int port, Duration connectTimeout) {
        return new StreamTransport(host, port, connectTimeout, null, false);
    }

    static StreamTransport tls(String host, int port, Duration connectTimeout, TlsConfig config) {
        return new StreamTransport(host, port, connectTimeout, TlsContexts.socketFactory(config), config.verify());
    }

    @Override
    public void send(Frames frames) throws IOException {
        Connection c = connection;
        if (c != null && peerClosed(c)) {
            close();
            c = null;
        }
        if (c == null) {
            c = connect();
            connection = c;
        }
        write(c.out(), frames);
    }

    /**
     * Writes the batch in chunks of whole frames, each in one write. A write that must wait for the receiver
     * can still be interrupted by the process dying, which leaves the receiver the start of a frame as the last
     * bytes of that connection (no acknowledgement in TCP syslog tells the sender; the event is sent again
     * after the restart); writing frame-aligned chunks, never one write across the whole batch, keeps that to
     * the moment the socket's send buffer is full.
     */
    static void write(OutputStream out, Frames frames) throws IOException {
        byte[] bytes = frames.bytes();
        int from = 0;
        for (int i = 0; i < frames.count(); i++) {
            int start = frames.start(i);
            if (frames.end(i) - from > CHUNK_BYTES && start > from) {
                out.write(bytes, from, start - from);
                from = start;
            }
        }
        if (frames.size() > from) {
            out.write(bytes, from, frames.size() - from);
        }
        out.flush();
    }

    private Connection connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.setKeepAlive(true);
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            Socket s = plain;
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(plain, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
                ssl.setSSLParameters(params);
                ssl.setSoTimeout((int) connectTimeout.toMillis());
                ssl.startHandshake();
                s = ssl;
            }
            return new Connection(s, s.getOutputStream(), s.getInputStream());
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** True when the receiver closed its side (a syslog receiver never sends, so any read result but a timeout). */
    private static boolean peerClosed(Connection c) {
        try {
            c.socket().setSoTimeout(1);
            int b = c.in().read();
            return b < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.socket().close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing more to do
            }
        }
    }
}
