package dev.rmmaudit.forwarder.testing;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.time.Instant;
import java.util.List;

/** Events for tests. */
public final class Events {
    private Events() {
    }

    /** An event whose user-controlled fields all hold {@code value}. */
    public static SecurityEvent withValue(String value) {
        return SecurityEvent.builder()
                .id("0123456789abcdef0123456789abcdef")
                .time(Instant.parse("2026-11-21T10:15:30.123Z"))
                .module("automate")
                .dataset("automate.users")
                .action("user-renamed")
                .name(value)
                .category("iam")
                .types(List.of("user", "change"))
                .severity(5)
                .message("User renamed to " + value)
                .actor(value)
                .targetUserId("42")
                .targetUserName(value)
                .targetUserEmail(value)
                .targetGroups(List.of(value, "Admins"))
                .superAdmin(false, true)
                .change("Name", new SecurityEvent.Change("old", value))
                .attribute("class.name", value)
                .origin(new SecurityEvent.Origin("db:3306", "labtech", "users", "binlog.000001:100:0"))
                .build();
    }
}
