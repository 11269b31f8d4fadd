package dev.rmmaudit.forwarder.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alerts about the forwarder itself (a buffer that cannot be written, a binlog gap): a SOC must learn that the
 * feed is impaired from the feed, not only from a log file on the server.
 */
public final class HealthAlerts {
    public static final String MODULE = "forwarder";

    private HealthAlerts() {
    }

    /**
     * An alert with rule id {@code ruleId} (the CEF signature id), ECS category {@code category}, severity 0-10
     * and {@code attributes} under {@code rmm_audit.attributes}.
     */
    public static SecurityEvent of(String ruleId, String title, String category, int severity, String message,
            Map<String, String> attributes, Instant time) {
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(EventIds.of("health", ruleId, time.toString(), message))
                .time(time)
                .module(MODULE)
                .dataset(MODULE + ".health")
                .action(ruleId)
                .name(title)
                .category(category)
                .types(List.of("error"))
                .outcome(SecurityEvent.Outcome.FAILURE)
                .severity(severity)
                .message(message)
                .alert(ruleId, title, List.of());
        attributes.forEach(b::attribute);
        return b.build();
    }
}
