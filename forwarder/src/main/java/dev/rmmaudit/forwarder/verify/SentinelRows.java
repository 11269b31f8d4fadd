package dev.rmmaudit.forwarder.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of the Sentinel table {@code RmmAudit_CL} read back into the event the sink made it from, and that
 * event's ECS document: the link is over the ECS document, whichever SIEM kept the event. Dynamic columns may
 * come back as JSON text (Log Analytics' CSV and some API clients do that); they are parsed.
 */
final class SentinelRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EcsJsonEncoder ECS = new EcsJsonEncoder();

    private SentinelRows() {
    }

    static ObjectNode toEcs(ObjectNode row) {
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(text(row, "EventId"))
                .time(Instant.parse(text(row, "TimeGenerated")))
                .module(text(row, "Module"))
                .dataset(text(row, "Dataset"))
                .action(text(row, "Action"))
                .name(text(row, "Name"))
                .category(text(row, "Category"))
                .types(strings(dynamic(row, "EventTypes")))
                .outcome(SecurityEvent.Outcome.valueOf(text(row, "Outcome").toUpperCase(java.util.Locale.ROOT)))
                .severity(row.path("Severity").asInt())
                .message(text(row, "Message"))
                .actor(text(row, "Actor"))
                .targetUserName(text(row, "TargetUser"))
                .targetUserId(text(row, "TargetUserId"))
                .targetUserEmail(text(row, "TargetUserEmail"))
                .targetGroups(strings(dynamic(row, "TargetGroups")))
                .sourceAddress(text(row, "SourceIp"))
                .superAdmin(bool(row, "SuperAdminBefore"), bool(row, "SuperAdminAfter"));
        dynamic(row, "Changes").fields().forEachRemaining(c -> b.change(c.getKey(), new SecurityEvent.Change(
                text(c.getValue(), "from"), text(c.getValue(), "to"))));
        dynamic(row, "Attributes").fields().forEachRemaining(a -> b.attribute(a.getKey(), a.getValue().isNull()
                ? null : a.getValue().asText()));
        JsonNode origin = dynamic(row, "Origin");
        if (origin.isObject()) {
            b.origin(new SecurityEvent.Origin(text(origin, "server"), text(origin, "database"), text(origin, "table"),
                    text(origin, "position")));
        }
        if ("alert".equals(text(row, "EventKind"))) {
            b.alert(text(row, "RuleId"), text(row, "RuleName"), strings(dynamic(row, "TriggeringEventIds")));
        }
        JsonNode c = dynamic(row, "Chain");
        return ECS.toEcs(b.build().withSeal(new SecurityEvent.Seal(text(c, "key"), text(c, "stream"),
                c.path("run").asLong(), c.path("sequence").asLong(), text(c, "previous"), text(c, "hash"))));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText(); // "" as Log Analytics keeps null: both unsealed
    }

    private static Boolean bool(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? null : Boolean.valueOf(v.asText());
    }

    private static JsonNode dynamic(JsonNode row, String field) {
        JsonNode v = row.path(field);
        if (v.isTextual() && !v.asText().isEmpty()) {
            try {
                return JSON.readTree(v.asText());
            } catch (IOException e) {
                return v;
            }
        }
        return v;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isNull() ? null : v.asText()));
        return out;
    }
}
