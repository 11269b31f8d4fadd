package dev.rmmaudit.forwarder.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;

/**
 * A syslog receiver on 127.0.0.1 for tests: TCP (or TLS, given a server socket factory), framing by octet
 * counting (RFC 6587 3.4.1) or newline. Every message received is kept; a malformed frame is an error kept
 * in {@link #errors()}. {@link #messages()} leaves out the {@code forwarder-started} event each start of the
 * forwarder begins its chain with (tests of delivery count the events they caused); {@link #all()} has it.
 */
public final class SyslogReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final boolean octetCounting;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> all = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> cut = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    public SyslogReceiver(int port, boolean octetCounting, ServerSocketFactory factory) throws IOException {
        this.server = factory.createServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.octetCounting = octetCounting;
        this.acceptor = new Thread(this::acceptLoop, "syslog-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SyslogReceiver tcp(int port) throws IOException {
        return new SyslogReceiver(port, true, ServerSocketFactory.getDefault());
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Every message received, in order, the forwarder's chain starts too. */
    public List<String> all() {
        return List.copyOf(all);
    }

    /** Everything malformed, frames cut short by a closed connection among them. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /**
     * The frames a connection closed in the middle of (as far as they came), also counted in {@link #errors()}:
     * what a sender killed while it waited to write leaves behind. Always the last bytes of their connection.
     */
    public List<String> cutShort() {
        return List.copyOf(cut);
    }

    /** Waits until at least {@code n} messages arrived; returns them. */
    public List<String> await(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return messages();
    }

    /** The event a start of the forwarder begins each sink's chain with (CEF or JSON, any syslog header). */
    private static boolean isChainStart(String m) {
        return m.contains("|forwarder-started|") || m.contains("\"action\":\"forwarder-started\"");
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> read(s), "syslog-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Stops reading (the sender's socket buffers fill up) until {@link #resume()}. */
    public void pause() {
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    public void resume() {
        gate.countDown();
    }

    private void read(Socket s) {
        try (InputStream in = new BufferedInputStream(s.getInputStream())) {
            while (true) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                String m = octetCounting ? readCounted(in) : readLine(in);
                if (m == null) {
                    return;
                }
                all.add(m);
                if (!isChainStart(m)) {
                    messages.add(m);
                }
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                errors.add(e.toString());
            }
        }
    }

    private String readCounted(InputStream in) throws IOException {
        int len = 0;
        int digits = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (digits > 0) {
                    errors.add("connection closed inside a length");
                }
                return null;
            }
            if (c == ' ') {
                break;
            }
            if (c < '0' || c > '9' || digits > 7) {
                errors.add("bad octet count character " + c);
                throw new IOException("bad frame");
            }
            len = len * 10 + (c - '0');
            digits++;
        }
        byte[] buf = in.readNBytes(len);
        if (buf.length != len) {
            errors.add("frame cut short: " + buf.length + " of " + len);
            cut.add(new String(buf, StandardCharsets.UTF_8));
            return null;
        }
        return new String(buf, StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Drops every open connection but keeps listening (a receiver restart seen from the client). */
    public void dropConnections() throws IOException {
        List<Socket> open = new ArrayList<>(clients);
        clients.clear();
        for (Socket s : open) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
