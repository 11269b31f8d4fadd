package dev.rmmaudit.forwarder.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A rule that fired.
 *
 * @param group the group-by field values of a correlation (empty for a plain rule)
 * @param eventIds the events that made it fire, oldest first (at most {@link RuleEngine#MAX_EVENT_IDS})
 * @param count the events (event_count) or distinct values (value_count) in the window
 * @param last the view of the event that completed it: where the alert takes its user and address from
 */
public record Alert(Rule rule, Instant time, Map<String, String> group, List<String> eventIds, long count,
        EventView last) {
}
