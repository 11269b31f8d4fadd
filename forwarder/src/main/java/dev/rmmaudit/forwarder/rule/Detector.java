package dev.rmmaudit.forwarder.rule;

import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs every event through the derived fields and the rule engine, and turns what fires into alert events. */
public final class Detector {
    private final RuleEngine engine;
    private final DerivedFields derived;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();
    /** The event fields that the rules, the derived fields and the alerts read: the views hold only these. */
    private final Set<String> fields;
    private final EcsJsonEncoder.WantedFields wanted;
    /** Events whose view had to build every field because something read a field not in {@link #fields}. */
    private long wholeViews;

    /** The event fields {@link #toEvent} and the rule engine read, besides the rules' own. */
    private static final Set<String> READS = Set.of("event.id", "event.module", "event.category", "event.dataset",
            "event.outcome", "user.name", "user.target.id", "user.target.name", "user.target.group.name", "source.ip");

    public Detector(RuleEngine engine, DerivedFields derived) {
        this.engine = engine;
        this.derived = derived;
        Set<String> f = new HashSet<>(READS);
        f.addAll(DerivedFields.READS);
        for (Rule r : engine.rules()) {
            f.addAll(r.fields());
        }
        this.wanted = new EcsJsonEncoder.WantedFields(f);
        this.fields = wanted.names();
    }

    /** The alerts {@code e} raises (none for an alert itself). */
    public List<SecurityEvent> detect(SecurityEvent e) {
        if (e.isAlert()) {
            return List.of();
        }
        List<SecurityEvent> out = new ArrayList<>();
        EventView view = EventView.of(ecs.flat(e, wanted), fields, () -> {
            wholeViews++;
            return ecs.flat(e);
        }, e.time());
        for (Alert a : evaluate(view)) {
            out.add(toEvent(a));
        }
        return out;
    }

    /** The alerts for an event given as its ECS view (as {@code rules test} reads them from a file). */
    public List<Alert> evaluate(EventView view) {
        return engine.evaluate(derived.apply(view));
    }

    /** Saves what must survive a restart. */
    public void flush() {
        derived.flush();
    }

    /** The event fields the detector reads, the only ones its views hold unless something reads another. */
    public Set<String> fields() {
        return fields;
    }

    /** How many events so far needed every field built (a name outside {@link #fields()} was read). */
    long wholeViews() {
        return wholeViews;
    }

    public RuleEngine engine() {
        return engine;
    }

    /** An alert as an event: severity from the rule's level, the rule id as CEF signature id. */
    public static SecurityEvent toEvent(Alert a) {
        Rule r = a.rule();
        EventView last = a.last();
        StringBuilder detail = new StringBuilder();
        a.group().forEach((k, v) -> detail.append(detail.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        if (r.isCorrelation()) {
            Correlation c = r.correlation();
            String what = switch (c.type()) {
                case EVENT_COUNT -> a.count() + " events";
                case VALUE_COUNT -> a.count() + " distinct " + c.field();
                case TEMPORAL_ORDERED -> String.join(" then ", c.rules());
            };
            detail.append(detail.length() == 0 ? "" : ": ").append(what).append(" within ").append(
                    c.timespan().toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        }
        String module = last.first("event.module");
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(EventIds.of("alert", r.id(), a.group().toString(), String.join(",", a.eventIds())))
                .time(a.time())
                .module(module)
                .dataset((module == null ? "rmm_audit" : module) + ".alerts")
                .action(r.name() != null ? r.name() : r.id())
                .name(r.title())
                .category(last.first("event.category"))
                .types(List.of("info"))
                .outcome(outcome(last.first("event.outcome")))
                .severity(r.severity())
                .message(r.title() + (detail.length() == 0 ? "" : " (" + detail + ")"))
                .actor(last.first("user.name"))
                .targetUserId(last.first("user.target.id"))
                .targetUserName(pick(a.group(), last, "user.target.name"))
                .targetGroups(last.values("user.target.group.name"))
                .sourceAddress(pick(a.group(), last, "source.ip"))
                .attribute("rule.level", r.level())
                .alert(r.id(), r.title(), a.eventIds());
        if (r.isCorrelation()) {
            b.attribute("rule.count", Long.toString(a.count()));
        }
        return b.build();
    }

    private static String pick(Map<String, String> group, EventView last, String field) {
        return group.containsKey(field) ? group.get(field) : last.first(field);
    }

    private static SecurityEvent.Outcome outcome(String s) {
        if (s == null) {
            return SecurityEvent.Outcome.UNKNOWN;
        }
        return switch (s) {
            case "success" -> SecurityEvent.Outcome.SUCCESS;
            case "failure" -> SecurityEvent.Outcome.FAILURE;
            default -> SecurityEvent.Outcome.UNKNOWN;
        };
    }
}
