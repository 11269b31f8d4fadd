package dev.rmmaudit.bench;

import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic event mix for an MSP's Automate server, made deterministically: mostly script runs across
 * many computers, logins, a few failed logins from a few addresses, occasional user and class changes.
 * Times advance a second per event, so correlation windows slide as in production.
 */
final class Workload {
    private Workload() {
    }

    static List<SecurityEvent> events(int n) {
        Random rnd = new Random(42);
        List<SecurityEvent> out = new ArrayList<>(n);
        Instant t = Instant.parse("2026-11-19T08:00:00Z");
        for (int i = 0; i < n; i++) {
            t = t.plusSeconds(1);
            int kind = rnd.nextInt(100);
            String user = "tech" + rnd.nextInt(40);
            SecurityEvent.Builder b = SecurityEvent.builder().id(EventIds.of("bench", Integer.toString(i))).time(t)
                    .module("automate").severity(3);
            if (kind < 70) {
                b.dataset("automate.h_scripts").action("script-run").category("process").types(List.of("start"))
                        .actor(user).attribute("script.id", Integer.toString(rnd.nextInt(200)))
                        .attribute("computer.id", Integer.toString(rnd.nextInt(5000)))
                        .message("Script run");
            } else if (kind < 85) {
                b.dataset("automate.users").action("user-login").category("authentication").types(List.of("start"))
                        .targetUserName(user).targetUserId(Integer.toString(i % 40))
                        .sourceAddress("10.0." + rnd.nextInt(4) + "." + rnd.nextInt(40)).message("Login");
            } else if (kind < 95) {
                b.dataset("automate.loginfailures").action("login-failed").category("authentication")
                        .types(List.of("start")).outcome(SecurityEvent.Outcome.FAILURE).targetUserName(user)
                        .sourceAddress("198.51.100." + rnd.nextInt(20)).message("Login failed");
            } else {
                b.dataset("automate.users").action(rnd.nextBoolean() ? "user-email-changed" : "user-class-added")
                        .category("iam").types(List.of("user", "change")).targetUserName(user)
                        .targetGroups(List.of("Technicians")).superAdmin(false, false)
                        .change("Email", new SecurityEvent.Change("a@x", "b@x")).message("Change");
            }
            out.add(b.build());
        }
        return out;
    }
}
