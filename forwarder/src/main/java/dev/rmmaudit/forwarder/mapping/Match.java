package dev.rmmaudit.forwarder.mapping;

import dev.rmmaudit.forwarder.event.SecurityEvent.Change;
import java.util.List;
import java.util.Map;

/**
 * One reason for an event spec to fire on one row change. A fan-out condition (a class added, a member
 * who became SuperAdmin) yields one match per subject.
 *
 * @param subject what distinguishes this match from its siblings (part of the event id); empty if single
 * @param vars template variables the condition supplies ({@code class}, {@code user}, ...)
 * @param targetUser the user the event is about, when it is not the row's own user
 * @param groups the target groups, when the condition names them
 * @param superAdmin the flag before and after for {@code targetUser}, or null
 */
record Match(
        String subject,
        Map<String, String> vars,
        Map<String, Change> changes,
        Map<String, String> attributes,
        AutomateDirectory.User targetUser,
        List<String> groups,
        Boolean[] superAdmin) {

    static Match single() {
        return new Match("", Map.of(), Map.of(), Map.of(), null, null, null);
    }

    static Match ofChange(String column, Change change) {
        return new Match("", Map.of(), Map.of(column, change), Map.of(), null, null, null);
    }
}
