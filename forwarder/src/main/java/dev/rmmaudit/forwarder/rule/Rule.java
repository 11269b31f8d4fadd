package dev.rmmaudit.forwarder.rule;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule: a detection (selections and a condition) or a correlation of other rules.
 *
 * @param name the Sigma {@code name}, by which correlations refer to it (may be null)
 * @param source the file it was read from
 * @param logsource {@code product} (event.module), {@code category} (event.category), {@code service}
 *     (the part of event.dataset after the module)
 */
public record Rule(
        String id,
        String name,
        String title,
        String level,
        String description,
        String source,
        Map<String, String> logsource,
        List<Selection> selections,
        Condition condition,
        Correlation correlation) {

    public boolean isCorrelation() {
        return correlation != null;
    }

    /** What the rule does, in a few words: {@code detection} or {@code event_count gte 5 within 5m by user}. */
    public String summary() {
        if (!isCorrelation()) {
            return "detection";
        }
        Correlation c = correlation;
        String by = c.groupBy().isEmpty() ? "" : " by " + String.join(", ", c.groupBy());
        String span = c.timespan().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        return switch (c.type()) {
            case TEMPORAL_ORDERED -> "temporal_ordered " + String.join(" then ", c.rules()) + " within " + span + by;
            case VALUE_COUNT -> "value_count of " + c.field() + " " + c.op().name().toLowerCase(java.util.Locale.ROOT)
                    + " " + c.threshold() + " within " + span + by;
            default -> "event_count " + c.op().name().toLowerCase(java.util.Locale.ROOT) + " " + c.threshold()
                    + " within " + span + by;
        };
    }

    /** CEF-style severity for the Sigma level. */
    public int severity() {
        return switch (level) {
            case "informational" -> 1;
            case "low" -> 3;
            case "medium" -> 5;
            case "high" -> 8;
            default -> 10;
        };
    }

    /** The event fields the rule reads: its logsource's, its selections' and its correlation's. */
    public Set<String> fields() {
        Set<String> out = new LinkedHashSet<>(List.of("event.module", "event.category", "event.dataset"));
        if (selections != null) {
            for (Selection s : selections) {
                for (List<FieldMatcher> all : s.alternatives()) {
                    for (FieldMatcher m : all) {
                        out.add(m.field());
                    }
                }
            }
        }
        if (correlation != null) {
            out.addAll(correlation.groupBy());
            if (correlation.field() != null) {
                out.add(correlation.field());
            }
        }
        return out;
    }

    boolean matches(EventView e) {
        if (!logsourceMatches(e)) {
            return false;
        }
        return condition.test(name -> selection(name).matches(e));
    }

    private Selection selection(String name) {
        for (Selection s : selections) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("the condition names selection " + name + ", which the loader checked");
    }

    private boolean logsourceMatches(EventView e) {
        String product = logsource.get("product");
        if (product != null && !product.equalsIgnoreCase(String.valueOf(e.first("event.module")))) {
            return false;
        }
        String category = logsource.get("category");
        if (category != null && !containsIgnoreCase(e.values("event.category"), category)) {
            return false;
        }
        String service = logsource.get("service");
        if (service != null) {
            String dataset = String.valueOf(e.first("event.dataset"));
            int at = dataset.length() - service.length();
            return at > 0 && dataset.charAt(at - 1) == '.' && dataset.regionMatches(true, at, service, 0,
                    service.length());
        }
        return true;
    }

    private static boolean containsIgnoreCase(List<String> values, String wanted) {
        for (String v : values) {
            if (wanted.equalsIgnoreCase(v)) {
                return true;
            }
        }
        return false;
    }
}
