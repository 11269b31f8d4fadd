package dev.rmmaudit.forwarder.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One normalised security event: what happened, to whom, how sure and how bad, and where it came from.
 *
 * <p>Every encoder and sink works from this type only. Values that came from the database are kept as they
 * were (escaping is the encoders' job); secret columns never reach an event, only the fact they changed.
 *
 * @param id stable and deterministic: the same binlog row always yields the same id, so a SIEM can drop
 *     duplicates after an at-least-once re-send
 * @param module the product the event describes ({@code automate}, {@code screenconnect})
 * @param dataset {@code module.table}, such as {@code automate.users}
 * @param action a short verb phrase, such as {@code user-created}; the CEF signature id
 * @param name a human name for the action, such as {@code User created}
 * @param category ECS category: {@code iam}, {@code authentication}, {@code configuration}, ...
 * @param types ECS event types, such as {@code [user, creation]}
 * @param severity 0 (information) to 10 (very high), as in CEF
 * @param actor who did it, when the source knows (often it does not: the binlog has no user)
 * @param targetGroups the target user's user-class names, or the class that changed
 * @param superAdminBefore the target user's effective SuperAdmin flag before the change (null: unknown)
 * @param changes column changes that explain the event, by column name
 * @param attributes further facts as text, such as {@code class.id} or {@code permissions.gained}
 * @param kind an event, or an alert a rule raised
 * @param ruleId for an alert: the rule's id (the CEF signature id); null for an event
 * @param relatedEventIds for an alert: the ids of the events that made it fire
 * @param seal its place in a sink's tamper-evident chain, set as the sink's worker takes it (null before)
 */
public record SecurityEvent(
        String id,
        Instant time,
        String module,
        String dataset,
        String action,
        String name,
        String category,
        List<String> types,
        Outcome outcome,
        int severity,
        String message,
        String actor,
        String targetUserId,
        String targetUserName,
        String targetUserEmail,
        List<String> targetGroups,
        String sourceAddress,
        Boolean superAdminBefore,
        Boolean superAdminAfter,
        Map<String, Change> changes,
        Map<String, String> attributes,
        Origin origin,
        Kind kind,
        String ruleId,
        String ruleName,
        List<String> relatedEventIds,
        Seal seal) {

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        if (severity < 0 || severity > 10) {
            throw new IllegalArgumentException("severity must be 0 to 10, not " + severity);
        }
        types = List.copyOf(types);
        targetGroups = List.copyOf(targetGroups);
        changes = SmallMap.copyOf(changes);
        attributes = SmallMap.copyOf(attributes);
        outcome = outcome == null ? Outcome.UNKNOWN : outcome;
        kind = kind == null ? Kind.EVENT : kind;
        relatedEventIds = relatedEventIds == null ? List.of() : List.copyOf(relatedEventIds);
    }

    /**
     * An event's place in one sink's chain ({@code chain/}): HMAC-SHA-256 under the install's chain key over the
     * previous link's hash and the event's canonical form.
     *
     * @param key the chain key's id (not the key): which install sealed it
     * @param stream the sink whose chain it is in
     * @param run which start of the forwarder sealed it (1, 2, ...)
     * @param sequence its place in the stream (1, 2, ...)
     * @param previous the hash of the link before it (64 zeros for the first)
     * @param hash its own link, hex
     */
    public record Seal(String key, String stream, long run, long sequence, String previous, String hash) {
    }

    /** This event with {@code seal} (or none). */
    public SecurityEvent withSeal(Seal seal) {
        return new SecurityEvent(id, time, module, dataset, action, name, category, types, outcome, severity, message,
                actor, targetUserId, targetUserName, targetUserEmail, targetGroups, sourceAddress, superAdminBefore,
                superAdminAfter, changes, attributes, origin, kind, ruleId, ruleName, relatedEventIds, seal);
    }

    /** An event from a source, or an alert raised by a rule. */
    public enum Kind {
        EVENT, ALERT;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        public String label() {
            return label;
        }
    }

    public boolean isAlert() {
        return kind == Kind.ALERT;
    }

    /** The outcome of the action, as ECS {@code event.outcome} and CEF {@code outcome}. */
    public enum Outcome {
        SUCCESS, FAILURE, UNKNOWN;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);

        public String label() {
            return label;
        }
    }

    /** A value before and after; either side may be null (not set). Secret values read {@code [redacted]}. */
    public record Change(String from, String to) {
    }

    /**
     * Where the event came from.
     *
     * @param position the source's own position, such as {@code mysql-bin.000003:1542 row 0}
     */
    public record Origin(String server, String database, String table, String position) {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds events field by field; {@link #build()} checks the required ones. */
    public static final class Builder {
        private String id;
        private Instant time;
        private String module;
        private String dataset;
        private String action;
        private String name;
        private String category;
        private List<String> types = new ArrayList<>();
        private Outcome outcome = Outcome.SUCCESS;
        private int severity;
        private String message;
        private String actor;
        private String targetUserId;
        private String targetUserName;
        private String targetUserEmail;
        private List<String> targetGroups = new ArrayList<>();
        private String sourceAddress;
        private Boolean superAdminBefore;
        private Boolean superAdminAfter;
        private final Map<String, Change> changes = new LinkedHashMap<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private Origin origin;
        private Kind kind = Kind.EVENT;
        private String ruleId;
        private String ruleName;
        private List<String> relatedEventIds = List.of();

        public Builder id(String v) { id = v; return this; }
        public Builder time(Instant v) { time = v; return this; }
        public Builder module(String v) { module = v; return this; }
        public Builder dataset(String v) { dataset = v; return this; }
        public Builder action(String v) { action = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder category(String v) { category = v; return this; }
        public Builder types(List<String> v) { types = new ArrayList<>(v); return this; }
        public Builder outcome(Outcome v) { outcome = v; return this; }
        public Builder severity(int v) { severity = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder actor(String v) { actor = v; return this; }
        public Builder targetUserId(String v) { targetUserId = v; return this; }
        public Builder targetUserName(String v) { targetUserName = v; return this; }
        public Builder targetUserEmail(String v) { targetUserEmail = v; return this; }
        public Builder targetGroups(List<String> v) { targetGroups = new ArrayList<>(v); return this; }
        public Builder sourceAddress(String v) { sourceAddress = v; return this; }
        public Builder superAdmin(Boolean before, Boolean after) {
            superAdminBefore = before;
            superAdminAfter = after;
            return this;
        }
        public Builder change(String column, Change c) { changes.put(column, c); return this; }
        public Builder attribute(String key, String value) {
            if (value != null) {
                attributes.put(key, value);
            }
            return this;
        }
        public Builder origin(Origin v) { origin = v; return this; }
        public Builder alert(String id, String name, List<String> related) {
            kind = Kind.ALERT;
            ruleId = id;
            ruleName = name;
            relatedEventIds = related;
            return this;
        }

        public SecurityEvent build() {
            return new SecurityEvent(id, time, module, dataset, action, name == null ? action : name, category, types,
                    outcome, severity, message, actor, targetUserId, targetUserName, targetUserEmail, targetGroups,
                    sourceAddress, superAdminBefore, superAdminAfter, changes, attributes, origin, kind, ruleId,
                    ruleName, relatedEventIds, null);
        }
    }
}
