package dev.rmmaudit.forwarder.sink.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.SyslogSinkConfig;
import dev.rmmaudit.forwarder.config.TlsConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestCertificates;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ServerSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyslogSinkTest {
    @TempDir
    Path dir;

    private static SyslogSinkConfig config(String protocol, int port, String framing, TlsConfig tls) {
        return new SyslogSinkConfig("t", "cef", protocol, "127.0.0.1", port, framing, "5424", 10, "rmm-audit",
                "fwd-host", 65536, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(200), tls);
    }

    /** Runs {@code deliver} on a thread of its own; the sink's close() ends it if it still retries. */
    private static CompletableFuture<Void> deliverAsync(SyslogSink sink, List<SecurityEvent> batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                sink.deliver(batch);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static List<SecurityEvent> events(int n, String value) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Events.withValue(value + i));
        }
        return out;
    }

    @Test
    void deliver_tcpOctetCounting_multiLineValuesArriveWhole() throws Exception {
        try (SyslogReceiver r = SyslogReceiver.tcp(0);
                SyslogSink sink = new SyslogSink(config("tcp", r.port(), "octet-counting", TlsConfig.DEFAULT))) {
            sink.deliver(events(50, "multi\nline "));
            List<String> got = r.await(50, Duration.ofSeconds(5));
            assertEquals(50, got.size());
            assertEquals(List.of(), r.errors());
            String first = got.get(0);
            assertTrue(first.startsWith("<84>1 2026-11-21T10:15:30.123Z fwd-host rmm-audit "), first);
            assertTrue(first.contains(" user-renamed - CEF:0|"), first);
            assertEquals("multi\nline 0", CefParser.parse(first).get("duser"));
        }
    }

    @Test
    void deliver_newlineFraming_oneMessagePerLine() throws Exception {
        try (SyslogReceiver r = new SyslogReceiver(0, false, ServerSocketFactory.getDefault());
                SyslogSink sink = new SyslogSink(config("tcp", r.port(), "newline", TlsConfig.DEFAULT))) {
            sink.deliver(events(20, "evil\r\nuser "));
            List<String> got = r.await(20, Duration.ofSeconds(5));
            assertEquals(20, got.size(), got.toString());
            assertEquals("evil\r\nuser 7", CefParser.parse(got.get(7)).get("duser"));
        }
    }

    @Test
    void deliver_receiverRestarts_reconnectsAndLosesNothing() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        SyslogReceiver first = SyslogReceiver.tcp(port);
        try (SyslogSink sink = new SyslogSink(config("tcp", port, "octet-counting", TlsConfig.DEFAULT))) {
            sink.deliver(events(3, "a"));
            first.await(3, Duration.ofSeconds(5));
            first.close();
            CompletableFuture<Void> blocked = deliverAsync(sink, events(3, "b"));
            Thread.sleep(300);
            assertFalse(blocked.isDone(), "deliver must block while the receiver is away");
            try (SyslogReceiver second = SyslogReceiver.tcp(port)) {
                blocked.get(10, TimeUnit.SECONDS);
                List<String> got = second.await(3, Duration.ofSeconds(5));
                assertEquals(3, got.size());
                assertTrue(sink.metrics().retries() > 0);
                assertEquals(6, sink.metrics().sent());
            }
        }
    }

    @Test
    void deliver_receiverStopsReading_blocksUntilItReadsAgain() throws Exception {
        int n = 20_000;
        try (SyslogReceiver r = SyslogReceiver.tcp(0);
                SyslogSink sink = new SyslogSink(config("tcp", r.port(), "octet-counting", TlsConfig.DEFAULT))) {
            sink.deliver(events(1, "warm-up"));
            r.await(1, Duration.ofSeconds(5));
            r.pause();
            CompletableFuture<Void> big = deliverAsync(sink, events(n, "x".repeat(1000)));
            Thread.sleep(1500);
            assertFalse(big.isDone(), "a receiver that does not read must hold the sender back");
            r.resume();
            big.get(60, TimeUnit.SECONDS);
            assertEquals(n + 1, r.await(n + 1, Duration.ofSeconds(30)).size());
            assertEquals(0, sink.metrics().retries(), "a slow receiver is not a failure");
        }
    }

    @Test
    void deliver_tlsWithTrustedCa_verifiesAndDelivers() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "syslog", "IP:127.0.0.1");
        try (SyslogReceiver r = new SyslogReceiver(0, true, certs.serverFactory());
                SyslogSink sink = new SyslogSink(config("tls", r.port(), "octet-counting",
                        new TlsConfig(certs.pem(), true)))) {
            sink.deliver(events(5, "tls"));
            assertEquals(5, r.await(5, Duration.ofSeconds(5)).size());
        }
    }

    @Test
    void deliver_tlsWithUntrustedCertificate_neverSends() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "syslog", "IP:127.0.0.1");
        try (SyslogReceiver r = new SyslogReceiver(0, true, certs.serverFactory());
                SyslogSink sink = new SyslogSink(config("tls", r.port(), "octet-counting", TlsConfig.DEFAULT))) {
            CompletableFuture<Void> f = deliverAsync(sink, events(1, "x"));
            try {
                f.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException expected) {
                // still retrying: the certificate is not trusted
            }
            assertFalse(f.isDone(), "an untrusted certificate must not count as delivered");
            assertTrue(sink.metrics().failures() > 0);
            assertEquals(0, r.messages().size());
            sink.close();
            assertTrue(f.handle((v, e) -> e).get(5, TimeUnit.SECONDS) instanceof InterruptedException,
                    "close() ends a deliver that is still retrying");
        }
    }

    @Test
    void deliver_tlsCertificateForAnotherHost_isRejectedByHostnameCheck() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "other", "DNS:siem.example.org");
        try (SyslogReceiver r = new SyslogReceiver(0, true, certs.serverFactory());
                SyslogSink sink = new SyslogSink(config("tls", r.port(), "octet-counting",
                        new TlsConfig(certs.pem(), true)))) {
            CompletableFuture<Void> f = deliverAsync(sink, events(1, "x"));
            Thread.sleep(800);
            assertFalse(f.isDone());
            assertEquals(0, r.messages().size());
            assertTrue(sink.metrics().failures() > 0);
        }
    }

    @Test
    void deliver_udp_oneMessagePerDatagramCutToLimit() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            SyslogSinkConfig c = new SyslogSinkConfig("u", "cef", "udp", "127.0.0.1", server.getLocalPort(),
                    "octet-counting", "5424", 10, "rmm-audit", "h", 480, Duration.ofSeconds(1), Duration.ofMillis(10),
                    Duration.ofMillis(50), TlsConfig.DEFAULT);
            try (SyslogSink sink = new SyslogSink(c)) {
                sink.deliver(List.of(Events.withValue("é".repeat(2000))));
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                server.receive(p);
                assertTrue(p.getLength() <= 480, "length " + p.getLength());
                String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertFalse(text.contains("\uFFFD"), "cut inside a character");
                assertEquals(1, sink.metrics().truncations());
            }
        }
    }
}
