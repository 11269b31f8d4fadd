package dev.rmmaudit.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal receivers for the end-to-end benchmark: they count events and note when marked ones arrive. */
final class Receivers {
    private static final Pattern MARK = Pattern.compile("(lat\\d+)@bench");

    /** Counts and arrival times, shared by a receiver. */
    static final class Tally {
        final AtomicLong count = new AtomicLong();
        final AtomicLong firstNanos = new AtomicLong();
        final AtomicLong lastNanos = new AtomicLong();
        final ConcurrentHashMap<String, Long> arrivals = new ConcurrentHashMap<>();
        /** Look for latency marks (only while measuring latency: the search costs the CPU the forwarder shares). */
        volatile boolean marking;
        /** Where to note CPU time: when the first event comes and when {@link #target} events have. */
        private volatile ThreadCpu.Window window;
        private volatile long target;

        void measure(ThreadCpu.Window w, long events) {
            target = events;
            window = w;
        }

        void saw(String text, int events) {
            long now = System.nanoTime();
            ThreadCpu.Window w = window;
            if (firstNanos.compareAndSet(0, now) && w != null) {
                w.begin();
            }
            lastNanos.set(now);
            long c = count.addAndGet(events);
            if (w != null && c >= target && c - events < target) {
                w.arrived();
            }
            if (!marking) {
                return;
            }
            Matcher m = MARK.matcher(text);
            while (m.find()) {
                arrivals.putIfAbsent(m.group(1), now);
            }
        }

        void reset() {
            count.set(0);
            firstNanos.set(0);
            lastNanos.set(0);
            arrivals.clear();
        }
    }

    /** The next octet-counted syslog frame (RFC 6587: length, space, message), or null at the end. */
    static byte[] frame(InputStream in) throws IOException {
        int len = 0;
        int c;
        while ((c = in.read()) != ' ') {
            if (c < 0) {
                return null;
            }
            len = len * 10 + (c - '0');
        }
        return in.readNBytes(len);
    }

    /** A TCP syslog receiver with octet-counting framing. */
    static final class Syslog implements AutoCloseable {
        final Tally tally = new Tally();
        private final ServerSocket server;

        Syslog() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "bench-syslog");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread r = new Thread(() -> read(s), "bench-syslog-conn");
                    r.setDaemon(true);
                    r.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void read(Socket s) {
            try (InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16)) {
                byte[] msg;
                while ((msg = frame(in)) != null) {
                    tally.saw(tally.marking ? new String(msg, StandardCharsets.UTF_8) : "", 1);
                }
            } catch (IOException e) {
                // connection closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static final byte[] EVENT_START = "{\"time\":".getBytes(StandardCharsets.UTF_8);

    /** How often {@code needle} (which must not overlap itself, as a JSON key does not) occurs in the stream. */
    static int count(InputStream in, byte[] needle) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n = 0;
        int matched = 0;
        for (int r = in.read(buf); r > 0; r = in.read(buf)) {
            for (int i = 0; i < r; i++) {
                if (buf[i] == needle[matched]) {
                    if (++matched == needle.length) {
                        n++;
                        matched = 0;
                    }
                } else {
                    matched = buf[i] == needle[0] ? 1 : 0;
                }
            }
        }
        return n;
    }

    /** How often {@code needle} occurs in {@code hay}. */
    static int count(byte[] hay, byte[] needle) {
        int n = 0;
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            n++;
        }
        return n;
    }

    /** A Splunk HEC receiver that acknowledges at once. */
    static final class Hec implements AutoCloseable {
        final Tally tally = new Tally();
        private final HttpServer server;
        private final AtomicInteger ackIds = new AtomicInteger();
        private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-hec");
            t.setDaemon(true);
            return t;
        });

        Hec() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(executor);
            server.createContext("/services/collector/event", x -> {
                // Counted in the bytes: decoding each request to a string cost the shared CPU more than the
                // forwarder's HTTP client did (real receivers run elsewhere).
                if (tally.marking) {
                    byte[] body = x.getRequestBody().readAllBytes();
                    tally.saw(new String(body, StandardCharsets.UTF_8), count(body, EVENT_START));
                } else {
                    tally.saw("", count(x.getRequestBody(), EVENT_START));
                }
                byte[] out = ("{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackIds.getAndIncrement() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, out.length);
                x.getResponseBody().write(out);
                x.close();
            });
            server.createContext("/services/collector/ack", x -> {
                String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                StringBuilder out = new StringBuilder("{\"acks\":{");
                Matcher m = Pattern.compile("\\d+").matcher(body);
                boolean first = true;
                while (m.find()) {
                    out.append(first ? "" : ",").append('"').append(m.group()).append("\":true");
                    first = false;
                }
                byte[] b = out.append("}}").toString().getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, b.length);
                x.getResponseBody().write(b);
                x.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
