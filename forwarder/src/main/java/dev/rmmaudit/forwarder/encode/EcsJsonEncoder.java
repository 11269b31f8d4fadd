package dev.rmmaudit.forwarder.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per event with Elastic Common Schema field names ({@code event.*}, {@code user.*},
 * {@code user.target.*}, {@code source.ip}, {@code related.user}); facts ECS has no field for go under the
 * module's own namespace ({@code automate.*}).
 */
public final class EcsJsonEncoder implements Encoder {
    static final String ECS_VERSION = "8.11.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String encode(SecurityEvent e) {
        try {
            return JSON.writeValueAsString(toEcs(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a JSON tree always serialises", ex);
        }
    }

    /** The ECS document for {@code e}. */
    public ObjectNode toEcs(SecurityEvent e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("@timestamp", e.time().toString());
        root.putObject("ecs").put("version", ECS_VERSION);
        ObjectNode event = root.putObject("event");
        event.put("id", e.id());
        event.put("kind", e.kind().label());
        event.putArray("category").add(e.category());
        ArrayNode types = event.putArray("type");
        e.types().forEach(types::add);
        event.put("action", e.action());
        event.put("outcome", e.outcome().label());
        event.put("severity", e.severity());
        event.put("module", e.module());
        event.put("dataset", e.dataset());
        root.put("message", e.message());
        if (e.isAlert()) {
            root.putObject("rule").put("id", e.ruleId()).put("name", e.ruleName()).put("ruleset", "rmm-audit");
            ArrayNode related = root.putObject("rmm_audit").putArray("triggering_event_ids");
            e.relatedEventIds().forEach(related::add);
        }
        ObjectNode user = root.putObject("user");
        if (e.actor() != null) {
            user.put("name", e.actor());
        }
        if (e.targetUserName() != null || e.targetUserId() != null || !e.targetGroups().isEmpty()) {
            ObjectNode target = user.putObject("target");
            putIfPresent(target, "id", e.targetUserId());
            putIfPresent(target, "name", e.targetUserName());
            putIfPresent(target, "email", e.targetUserEmail());
            if (!e.targetGroups().isEmpty()) {
                ArrayNode groups = target.putObject("group").putArray("name");
                e.targetGroups().forEach(groups::add);
            }
        }
        if (user.isEmpty()) {
            root.remove("user");
        }
        if (e.sourceAddress() != null) {
            root.putObject("source").put("ip", e.sourceAddress());
        }
        Set<String> related = new LinkedHashSet<>();
        if (e.actor() != null) {
            related.add(e.actor());
        }
        if (e.targetUserName() != null) {
            related.add(e.targetUserName());
        }
        if (!related.isEmpty()) {
            ArrayNode r = root.putObject("related").putArray("user");
            related.forEach(r::add);
        }
        ObjectNode vendor = root.putObject(e.module() == null ? "rmm_audit" : e.module());
        if (e.superAdminBefore() != null || e.superAdminAfter() != null) {
            ObjectNode sa = vendor.putObject("super_admin");
            if (e.superAdminBefore() != null) {
                sa.put("before", e.superAdminBefore());
            }
            if (e.superAdminAfter() != null) {
                sa.put("after", e.superAdminAfter());
            }
        }
        if (!e.changes().isEmpty()) {
            ObjectNode changes = vendor.putObject("changes");
            e.changes().forEach((k, c) -> changes.putObject(k).put("from", c.from()).put("to", c.to()));
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            putPath(vendor, a.getKey(), a.getValue());
        }
        if (e.origin() != null) {
            ObjectNode origin = vendor.putObject("origin");
            putIfPresent(origin, "server", e.origin().server());
            putIfPresent(origin, "database", e.origin().database());
            putIfPresent(origin, "table", e.origin().table());
            putIfPresent(origin, "position", e.origin().position());
        }
        return root;
    }

    /** Puts {@code value} at a dotted path ({@code class.id} becomes {@code {"class":{"id":…}}}). */
    private static void putPath(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = n.get(parts[i]);
            n = child instanceof ObjectNode o ? o : n.putObject(parts[i]);
        }
        n.put(parts[parts.length - 1], value);
    }

    private static void putIfPresent(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
