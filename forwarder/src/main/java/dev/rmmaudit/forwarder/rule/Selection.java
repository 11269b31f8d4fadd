package dev.rmmaudit.forwarder.rule;

import java.util.List;

/** A named Sigma selection: a list of maps (any map matches), each map a list of field matchers (all match). */
public record Selection(String name, List<List<FieldMatcher>> alternatives) {
    boolean matches(EventView e) {
        for (List<FieldMatcher> all : alternatives) {
            boolean ok = true;
            for (FieldMatcher m : all) {
                if (!m.matches(e)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return true;
            }
        }
        return false;
    }
}
