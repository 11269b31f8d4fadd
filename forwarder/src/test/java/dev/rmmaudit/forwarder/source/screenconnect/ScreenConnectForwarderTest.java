package dev.rmmaudit.forwarder.source.screenconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.config.StdoutSinkConfig;
import dev.rmmaudit.forwarder.demo.ScreenConnectSample;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.pipeline.Forwarder;
import dev.rmmaudit.forwarder.testing.TestSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole forwarder on a ScreenConnect App_Data folder: its mappings turn rows and user-file changes into
 * events, and the built-in rules raise the failed-login and CVE-2024-1709 alerts from them.
 */
class ScreenConnectForwarderTest {
    @TempDir
    Path dir;

    private static final class Kept extends TestSink {
        final List<SecurityEvent> events = Collections.synchronizedList(new ArrayList<>());

        Kept() {
            super("kept");
        }

        @Override
        public void deliver(List<SecurityEvent> batch) {
            events.addAll(batch);
        }

        List<SecurityEvent> await(Predicate<SecurityEvent> p, int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && events.stream().filter(p).count() < n) {
                Thread.sleep(20);
            }
            return List.copyOf(events).stream().filter(p).toList();
        }
    }

    private static Predicate<SecurityEvent> action(String a) {
        return e -> e.action().equals(a) && !e.isAlert();
    }

    private static Predicate<SecurityEvent> alert(String ruleName) {
        return e -> e.isAlert() && e.action().equals(ruleName);
    }

    @Test
    void forwarder_screenConnectActivity_becomesEventsAndRaisesTheAlerts() throws Exception {
        Path appData = dir.resolve("App_Data");
        Kept sink = new Kept();
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData)) {
            ForwarderConfig config = new ForwarderConfig(null, List.of(new StdoutSinkConfig("kept", "cef")), null,
                    dir.resolve("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(5),
                    new ScreenConnectSourceConfig(appData, appData.resolve("Session.db"), appData.resolve("User.xml"),
                            Duration.ofMillis(50), dir.resolve("state"), "end"));
            try (Forwarder f = Forwarder.start(config, List.of(sink))) {
                Instant now = Instant.now();
                for (int i = 0; i < 6; i++) {
                    sample.security(now.plusSeconds(i), ScreenConnectSample.LOGIN, ScreenConnectSample.PASSWORD_INVALID,
                            "admin", "198.51.100.7");
                }
                sample.security(now.plusSeconds(7), ScreenConnectSample.LOGIN,
                        ScreenConnectSample.ONE_TIME_PASSWORD_REQUIRED, "alice", "10.0.0.4");
                byte[] s = sample.session(now, "Front desk", "alice", "FRONTDESK-PC");
                sample.connect(now.plusSeconds(8), s, "alice", "10.0.0.4");
                sample.sessionEvent(now.plusSeconds(9), s, "alice", ScreenConnectSample.RAN_COMMAND, "whoami",
                        ScreenConnectSample.HIDDEN);
                List<SecurityEvent> failed = sink.await(action("login-failed"), 6);
                assertEquals(6, failed.size());
                SecurityEvent one = failed.get(0);
                assertEquals("admin", one.targetUserName());
                assertEquals("198.51.100.7", one.sourceAddress());
                assertEquals("PasswordInvalid", one.attributes().get("login.result"));
                assertEquals(SecurityEvent.Outcome.FAILURE, one.outcome());
                assertEquals(1, sink.await(action("login-mfa-required"), 1).size(),
                        "OneTimePasswordRequired is an MFA step, not a failure");
                SecurityEvent ran = sink.await(action("remote-command-ran"), 1).get(0);
                assertEquals("FRONTDESK-PC", ran.attributes().get("session.guest_machine"));
                assertEquals("Front desk", ran.attributes().get("session.name"));
                assertEquals("true", ran.attributes().get("session.hidden_from_ui"));
                SecurityEvent connected = sink.await(action("session-connected"), 1).get(0);
                assertEquals("alice", connected.actor());
                assertEquals("10.0.0.4", connected.sourceAddress());
                assertEquals("FRONTDESK-PC", connected.attributes().get("session.guest_machine"));
                assertFalse(sink.await(alert("failed_login_burst_user"), 1).isEmpty(), "failed-login burst alert");
                assertFalse(sink.await(alert("screenconnect_hidden_session_event"), 1).isEmpty());

                sample.addUser("eviladmin", "x@evil.example", "Administrator", true);
                SecurityEvent created = sink.await(action("user-created"), 1).get(0);
                assertEquals("eviladmin", created.targetUserName());
                assertEquals("0001-01-01T00:00:00", created.attributes().get("user.last_login"));
                assertFalse(sink.await(alert("screenconnect_user_created_without_admin_login"), 1).isEmpty(),
                        "the CVE-2024-1709 pattern alert");
                assertFalse(sink.await(alert("screenconnect_admin_added"), 1).isEmpty());

                String cef = dev.rmmaudit.forwarder.encode.Encoder.forFormat("cef").encode(created);
                String json = dev.rmmaudit.forwarder.encode.Encoder.forFormat("json").encode(created);
                assertTrue(cef.contains("act=user-created") && cef.contains("duser=eviladmin"), cef);
                assertTrue(json.contains("\"module\":\"screenconnect\""), json);
                for (SecurityEvent e : List.copyOf(sink.events)) {
                    String all = dev.rmmaudit.forwarder.encode.Encoder.forFormat("cef").encode(e) + dev.rmmaudit.forwarder.encode.Encoder.forFormat("json").encode(e);
                    assertFalse(all.contains("sample-hash"), "no password hash in any event: " + all);
                }
            }
        }
    }
}
