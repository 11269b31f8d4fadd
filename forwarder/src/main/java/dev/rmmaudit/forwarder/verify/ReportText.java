package dev.rmmaudit.forwarder.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link Report} for people (text) and for scripts (JSON). */
public final class ReportText {
    private ReportText() {
    }

    public static String text(Report r) {
        StringBuilder out = new StringBuilder();
        for (Report.Stream s : r.streams) {
            out.append("stream ").append(s.stream).append(" (key ").append(s.key).append("): ").append(s.events)
                    .append(" events checked\n");
            for (Report.Run run : s.runs) {
                out.append("  run ").append(run.run).append(": sequence ").append(run.from).append("..")
                        .append(run.to).append(run.startSeen ? "" : " (its start is not in the export)");
                if (run.supersededAfter != null) {
                    out.append("; restarted after ").append(run.supersededAfter).append(", ").append(run.superseded)
                            .append(" events sent after that were superseded (their changes were read again)");
                }
                out.append('\n');
            }
        }
        gaps(out, "MISSING", r.missing);
        items(out, "ALTERED", r.altered);
        items(out, "FORGED", r.forged);
        items(out, "REORDERED", r.reordered);
        items(out, "BROKEN", r.broken);
        items(out, "UNSEALED", r.unsealed);
        items(out, "UNREADABLE", r.unreadable);
        r.otherKeys.forEach((k, n) -> out.append("OTHER KEY: ").append(n).append(" events sealed under key ")
                .append(k).append(" (give its key with another --key to check them)\n"));
        gaps(out, "not delivered before a restart (not a failure)", r.undelivered);
        if (r.duplicates > 0 || r.resent > 0) {
            out.append("duplicates: ").append(r.duplicates).append(" copies and ").append(r.resent)
                    .append(" events sent again after a restart (at-least-once delivery: harmless)\n");
        }
        out.append(r.ok() ? "OK: nothing missing, altered or forged\n" : "FAILED: " + summary(r) + "\n");
        return out.toString();
    }

    private static String summary(Report r) {
        if (r.streams.isEmpty() && r.unsealed.isEmpty() && r.unreadable.isEmpty() && r.otherKeys.isEmpty()) {
            return "no sealed events in the export";
        }
        return r.missing.stream().mapToLong(g -> Math.max(1, g.count())).sum() + " missing, " + r.altered.size()
                + " altered, " + r.forged.size() + " forged, " + r.reordered.size() + " reordered, "
                + (r.unsealed.size() + r.unreadable.size() + r.otherKeys.values().stream().mapToLong(Long::longValue)
                        .sum() + r.broken.size()) + " not verifiable";
    }

    private static void gaps(StringBuilder out, String label, List<Report.Gap> gaps) {
        for (Report.Gap g : gaps) {
            out.append(label).append(": stream ").append(g.stream()).append(" run ").append(g.run())
                    .append(g.from() == null ? " before sequence " + (g.to() + 1)
                            : " sequence " + g.from() + (g.to() == g.from() ? "" : ".." + g.to()) + " (" + g.count()
                                    + (g.count() == 1 ? " event)" : " events)"));
            if (g.why() != null) {
                out.append(": ").append(g.why());
            }
            out.append('\n');
        }
    }

    private static void items(StringBuilder out, String label, List<Report.Item> items) {
        for (Report.Item i : items) {
            out.append(label).append(": line ").append(i.line());
            if (i.stream() != null) {
                out.append(", stream ").append(i.stream()).append(" sequence ").append(i.sequence());
            }
            if (i.eventId() != null) {
                out.append(", event ").append(i.eventId());
            }
            out.append(": ").append(i.why()).append('\n');
        }
    }

    public static String json(Report r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ok", r.ok());
        o.put("streams", r.streams);
        o.put("missing", r.missing);
        o.put("altered", r.altered);
        o.put("forged", r.forged);
        o.put("reordered", r.reordered);
        o.put("broken", r.broken);
        o.put("unsealed", r.unsealed);
        o.put("unreadable", r.unreadable);
        o.put("otherKeys", r.otherKeys);
        o.put("undelivered", r.undelivered);
        o.put("duplicates", r.duplicates);
        o.put("resent", r.resent);
        try {
            return new ObjectMapper().setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                    com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.PUBLIC_ONLY)
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
