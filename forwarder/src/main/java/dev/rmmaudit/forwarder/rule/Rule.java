package dev.rmmaudit.forwarder.rule;

import java.util.List;
import java.util.Map;

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

    boolean matches(EventView e) {
        if (!logsourceMatches(e)) {
            return false;
        }
        Map<String, Boolean> results = new java.util.HashMap<>();
        for (Selection s : selections) {
            results.put(s.name(), s.matches(e));
        }
        return condition.test(results);
    }

    private boolean logsourceMatches(EventView e) {
        String product = logsource.get("product");
        if (product != null && !product.equalsIgnoreCase(String.valueOf(e.first("event.module")))) {
            return false;
        }
        String category = logsource.get("category");
        if (category != null && e.values("event.category").stream().noneMatch(category::equalsIgnoreCase)) {
            return false;
        }
        String service = logsource.get("service");
        if (service != null) {
            String dataset = String.valueOf(e.first("event.dataset"));
            return dataset.toLowerCase(java.util.Locale.ROOT).endsWith("." + service.toLowerCase(java.util.Locale.ROOT));
        }
        return true;
    }
}
