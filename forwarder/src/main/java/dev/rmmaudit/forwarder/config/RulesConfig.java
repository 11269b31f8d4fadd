package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code rules:} section: which rules run, thresholds per rule, and working hours.
 *
 * @param dir rule files that add to the built-in pack or replace a built-in rule of the same id (may be null)
 * @param disabled rule ids or names not to run
 * @param overrides per rule id or name: a new correlation threshold and/or timespan
 */
public record RulesConfig(
        boolean enabled,
        Path dir,
        Set<String> disabled,
        Map<String, Override> overrides,
        WorkingHours workingHours,
        int maxGroups) {

    public static final RulesConfig DEFAULT = new RulesConfig(true, null, Set.of(), Map.of(), WorkingHours.DEFAULT,
            10_000);

    /** A threshold and/or timespan that replaces the one in a correlation rule's file. */
    public record Override(Long threshold, Duration timespan) {
    }

    /**
     * When people work: logins outside these hours are flagged. {@code end} before {@code start} is a night
     * shift across midnight; {@code start} equal to {@code end} is the whole day.
     */
    public record WorkingHours(ZoneId zone, Set<DayOfWeek> days, LocalTime start, LocalTime end) {
        public static final WorkingHours DEFAULT = new WorkingHours(ZoneId.of("UTC"),
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(7, 0), LocalTime.of(19, 0));

        /** True when {@code t} falls on a working day between start and end, in the configured zone. */
        public boolean contains(java.time.Instant t) {
            var local = t.atZone(zone);
            LocalTime time = local.toLocalTime();
            boolean inHours = start.isBefore(end)
                    ? !time.isBefore(start) && time.isBefore(end)
                    : !time.isBefore(start) || time.isBefore(end);
            return days.contains(local.getDayOfWeek()) && inHours;
        }
    }

    static RulesConfig read(ConfigNode n, Path baseDir) {
        if (!n.isPresent()) {
            return DEFAULT;
        }
        boolean enabled = n.bool("enabled", true);
        String dir = n.string("dir", null);
        Set<String> disabled = Set.copyOf(n.stringList("disabled"));
        Map<String, Override> overrides = new LinkedHashMap<>();
        n.child("overrides").entries().forEach((rule, o) -> {
            Long threshold = o.has("threshold") ? o.longValue("threshold", 1, 0, Long.MAX_VALUE) : null;
            Duration timespan = o.has("timespan") ? Durations.read(o.child("timespan"), null) : null;
            if (threshold == null && timespan == null) {
                o.problem("an override needs threshold and/or timespan");
            }
            o.rejectUnknownKeys();
            overrides.put(rule, new Override(threshold, timespan));
        });
        WorkingHours hours = workingHours(n.child("workingHours"));
        int maxGroups = n.integer("maxGroups", 10_000, 10, 10_000_000);
        n.rejectUnknownKeys();
        return new RulesConfig(enabled, dir == null ? null : baseDir.resolve(dir).normalize(), disabled,
                Map.copyOf(overrides), hours, maxGroups);
    }

    private static WorkingHours workingHours(ConfigNode n) {
        if (!n.isPresent()) {
            return WorkingHours.DEFAULT;
        }
        ZoneId zone = WorkingHours.DEFAULT.zone();
        String z = n.string("zone", null);
        if (z != null) {
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                n.child("zone").problem("must be a time zone such as Europe/Berlin or America/New_York, not '" + z
                        + "'");
            }
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        List<String> dayNames = n.stringList("days");
        for (String d : dayNames) {
            DayOfWeek day = null;
            for (DayOfWeek w : DayOfWeek.values()) {
                if (w.name().toLowerCase(Locale.ROOT).startsWith(d.toLowerCase(Locale.ROOT)) && d.length() >= 3) {
                    day = w;
                }
            }
            if (day == null) {
                n.child("days").problem("'" + d + "' is not a day; write mon, tue, wed, thu, fri, sat, sun");
            } else {
                days.add(day);
            }
        }
        LocalTime start = time(n, "start", WorkingHours.DEFAULT.start());
        LocalTime end = time(n, "end", WorkingHours.DEFAULT.end());
        n.rejectUnknownKeys();
        return new WorkingHours(zone, dayNames.isEmpty() ? WorkingHours.DEFAULT.days() : days, start, end);
    }

    private static LocalTime time(ConfigNode n, String key, LocalTime def) {
        String t = n.string(key, null);
        if (t == null) {
            return def;
        }
        try {
            return LocalTime.parse(t.length() == 4 ? "0" + t : t);
        } catch (DateTimeParseException e) {
            n.child(key).problem("must be a time of day such as 07:30, not '" + t + "'");
            return def;
        }
    }
}
