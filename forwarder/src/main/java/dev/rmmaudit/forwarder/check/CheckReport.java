package dev.rmmaudit.forwarder.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Check results for people (one line each, the remedy below) or as a JSON array for scripts. */
public final class CheckReport {
    private CheckReport() {
    }

    public static String text(List<CheckResult> results) {
        StringBuilder s = new StringBuilder();
        for (CheckResult r : results) {
            s.append(String.format("%-5s %-22s %s%n", r.status().word(), r.check(), r.detail()));
            if (r.remedy() != null) {
                s.append(String.format("      %-22s -> %s%n", "", r.remedy()));
            }
        }
        long fails = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        long warns = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
        s.append(results.size()).append(" checks: ").append(fails).append(" failed, ").append(warns)
                .append(" warnings").append(System.lineSeparator());
        return s.toString();
    }

    public static String json(List<CheckResult> results) {
        ObjectMapper m = new ObjectMapper();
        ArrayNode a = m.createArrayNode();
        for (CheckResult r : results) {
            ObjectNode o = a.addObject();
            o.put("check", r.check());
            o.put("status", r.status().word());
            o.put("detail", r.detail());
            o.put("remedy", r.remedy());
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(a) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
