package dev.rmmaudit.forwarder.source.screenconnect;

import static dev.rmmaudit.forwarder.testing.KeptSink.action;
import static dev.rmmaudit.forwarder.testing.KeptSink.alert;
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
import dev.rmmaudit.forwarder.testing.KeptSink;
import dev.rmmaudit.forwarder.testing.ScreenConnectFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole forwarder on a ScreenConnect App_Data folder: its mappings turn rows and user-file changes into
 * events, and the built-in rules raise the failed-login and CVE-2024-1709 alerts from them.
 */
class ScreenConnectForwarderTest {
    @TempDir
    Path dir;

    private ForwarderConfig config(Path appData) {
        return new ForwarderConfig(null, List.of(new StdoutSinkConfig("kept", "cef")), null,
                dir.resolve("dead.jsonl"), RulesConfig.DEFAULT, Map.of(), Map.of(), Duration.ofSeconds(5),
                ScreenConnectSourceConfig.of(appData, Duration.ofMillis(50), dir.resolve("state"), "end"));
    }

    @ParameterizedTest(name = "legacy layout: {0}")
    @ValueSource(booleans = {false, true})
    void forwarder_screenConnectActivity_becomesEventsAndRaisesTheAlerts(boolean legacy) throws Exception {
        Path appData = dir.resolve("App_Data");
        KeptSink sink = new KeptSink();
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData, legacy);
                Forwarder f = Forwarder.start(config(appData), List.of(sink))) {
            Instant now = Instant.now();
            for (int i = 0; i < 6; i++) {
                sample.security(now.plusSeconds(i), ScreenConnectSample.LOGIN, ScreenConnectSample.PASSWORD_INVALID,
                        "admin", "198.51.100.7");
            }
            sample.security(now.plusSeconds(7), ScreenConnectSample.LOGIN,
                    ScreenConnectSample.ONE_TIME_PASSWORD_REQUIRED, "alice", "2001:db8::4");
            sample.security(now.plusSeconds(7), ScreenConnectSample.LOGIN, 18, "alice", "10.0.0.4");
            byte[] s = sample.session(now, "Front desk", "alice", "FRONTDESK-PC");
            sample.connect(now.plusSeconds(8), s, "alice", "10.0.0.4");
            byte[] hidden = sample.sessionEvent(now.plusSeconds(9), s, "alice", ScreenConnectSample.RAN_COMMAND,
                    "whoami", ScreenConnectSample.HIDDEN);
            sample.sessionEvent(now.plusSeconds(9), s, "alice", 116, "something new", 0);
            List<SecurityEvent> failed = sink.await(action("login-failed"), 7);
            assertEquals(7, failed.size());
            SecurityEvent one = failed.get(0);
            assertEquals("admin", one.targetUserName());
            assertEquals("198.51.100.7", one.sourceAddress());
            assertEquals("PasswordInvalid", one.attributes().get("login.result"));
            assertEquals(SecurityEvent.Outcome.FAILURE, one.outcome());
            SecurityEvent unknown = failed.get(6);
            assertEquals("18", unknown.attributes().get("login.result_code"), "an unknown result keeps its number");
            assertTrue(unknown.message().contains("result 18"), unknown.message());
            SecurityEvent mfa = sink.await(action("login-mfa-required"), 1).get(0);
            assertEquals("2001:db8::4", mfa.sourceAddress(), "IPv6 as text");
            SecurityEvent ran = sink.await(action("remote-command-ran"), 1).get(0);
            assertEquals("FRONTDESK-PC", ran.attributes().get("session.guest_machine"));
            assertEquals("Front desk", ran.attributes().get("session.name"));
            SecurityEvent connected = sink.await(action("session-connected"), 1).get(0);
            assertEquals("alice", legacy ? connected.actor() : connected.attributes().get("session.participant"));
            assertEquals("10.0.0.4", connected.sourceAddress());
            assertEquals("FRONTDESK-PC", connected.attributes().get("session.guest_machine"));
            SecurityEvent other = sink.await(action("session-event"), 1).get(0);
            assertEquals("116", other.attributes().get("session.event_type_code"), "an unknown type passes through");
            assertFalse(sink.await(alert("failed_login_burst_user"), 1).isEmpty(), "failed-login burst alert");
            if (legacy) {
                assertEquals("true", ran.attributes().get("session.hidden_from_ui"));
                assertFalse(sink.await(alert("screenconnect_hidden_session_event"), 1).isEmpty());
            } else {
                sample.deleteSessionEvent(hidden); // 25.x: hiding an event deletes its row
                SecurityEvent deleted = sink.await(action("session-history-deleted"), 1).get(0);
                assertTrue(deleted.message().contains("whoami"), deleted.message());
                assertFalse(sink.await(alert("evidence_removal"), 1).isEmpty(), "evidence removal alert");
            }

            sample.addUser("eviladmin", "x@evil.example", "Control Administrator", true);
            SecurityEvent created = sink.await(action("user-created"), 1).get(0);
            assertEquals("eviladmin", created.targetUserName());
            assertEquals("true", created.attributes().get("user.is_administrator"));
            assertEquals("0001-01-01T00:00:00", created.attributes().get("user.last_login"));
            assertFalse(sink.await(alert("screenconnect_user_created_without_admin_login"), 1).isEmpty(),
                    "the CVE-2024-1709 pattern alert");
            assertFalse(sink.await(alert("screenconnect_admin_added"), 1).isEmpty());

            sample.disableTwoFactor("alice");
            assertEquals("alice", sink.await(action("two-factor-disabled"), 1).get(0).targetUserName());
            assertFalse(sink.await(alert("screenconnect_two_factor_disabled"), 1).isEmpty());
            sample.setAuditLevel("Basic");
            assertFalse(sink.await(alert("screenconnect_audit_level_lowered"), 1).isEmpty());

            String cef = dev.rmmaudit.forwarder.encode.Encoder.forFormat("cef").encode(created);
            String json = dev.rmmaudit.forwarder.encode.Encoder.forFormat("json").encode(created);
            assertTrue(cef.contains("act=user-created") && cef.contains("duser=eviladmin"), cef);
            assertTrue(json.contains("\"module\":\"screenconnect\""), json);
            for (SecurityEvent e : List.copyOf(sink.events)) {
                String all = dev.rmmaudit.forwarder.encode.Encoder.forFormat("cef").encode(e)
                        + dev.rmmaudit.forwarder.encode.Encoder.forFormat("json").encode(e);
                for (String secret : ScreenConnectFixtures.SECRETS) {
                    assertFalse(all.contains(secret), "no password hash or OTP key in any event: " + all);
                }
            }
        }
    }

    @Test
    void forwarder_userStoreReset_oneCriticalAlertNamingTheNewAdministratorAndTheRemovedUsers() throws Exception {
        Path appData = dir.resolve("App_Data");
        KeptSink sink = new KeptSink();
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData);
                Forwarder f = Forwarder.start(config(appData), List.of(sink))) {
            // an administrator logged in a moment before: the reset is flagged all the same
            sample.security(Instant.now(), ScreenConnectSample.LOGIN, ScreenConnectSample.SUCCESS, "admin", "10.0.0.2");
            sink.await(action("login-succeeded"), 1);
            sample.resetUserStore("setupadmin", "setupadmin@poc.com");
            SecurityEvent reset = sink.await(alert("screenconnect_user_store_reset"), 1).get(0);
            Thread.sleep(500);
            List<SecurityEvent> alerts = List.copyOf(sink.events).stream().filter(e -> e.isAlert()
                    && e.action().startsWith("screenconnect_")).toList();
            assertEquals(List.of("screenconnect_user_store_reset"), alerts.stream().map(SecurityEvent::action).toList(),
                    "one alert for the reset, not one per user");
            assertEquals(10, reset.severity());
            SecurityEvent event = sink.await(action("user-store-reset"), 1).get(0);
            assertEquals("setupadmin", event.attributes().get("user_store.new_administrators"));
            assertEquals("admin,alice", event.attributes().get("user_store.removed_users"));
            assertEquals(2, sink.await(action("user-deleted"), 2).size());
        }
    }
}
