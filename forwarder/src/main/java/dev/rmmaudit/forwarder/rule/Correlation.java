package dev.rmmaudit.forwarder.rule;

import java.time.Duration;
import java.util.List;

/**
 * A Sigma correlation: how referenced rules' matches combine into one alert.
 *
 * @param rules the referenced rules' names or ids, in order (order matters for temporal_ordered)
 * @param field for value_count: the field whose distinct values are counted
 * @param generate whether the referenced rules also alert on their own (Sigma's default: no)
 */
public record Correlation(Type type, List<String> rules, List<String> groupBy, Duration timespan, Op op, long threshold,
        String field, boolean generate) {

    public enum Type { EVENT_COUNT, VALUE_COUNT, TEMPORAL_ORDERED }

    public enum Op {
        GT, GTE, LT, LTE, EQ;

        boolean test(long count, long threshold) {
            return switch (this) {
                case GT -> count > threshold;
                case GTE -> count >= threshold;
                case LT -> count < threshold;
                case LTE -> count <= threshold;
                case EQ -> count == threshold;
            };
        }
    }

    Correlation withThreshold(long t) {
        return new Correlation(type, rules, groupBy, timespan, op, t, field, generate);
    }

    Correlation withTimespan(Duration d) {
        return new Correlation(type, rules, groupBy, d, op, threshold, field, generate);
    }
}
