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
