package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long ScreenConnect keeps rows before its daily maintenance plan deletes them: by default security events
 * 180 days and session data 30 days. Where {@code ServerConfiguration.xml} holds a {@code DatabaseMaintenancePlan},
 * the days given there for security events and for sessions replace the defaults (its layout is not published:
 * it is read leniently, and the start-up log says what was found). A deleted row at least that old is the routine
 * purge, never evidence removal.
 */
record Retention(Duration securityEvents, Duration sessionData, String origin) {
    static final Retention DEFAULT = new Retention(Duration.ofDays(180), Duration.ofDays(30), "ScreenConnect's defaults");
    /** A row this much younger than the retention is still taken as purged (the plan's run takes a while). */
    static final Duration TOLERANCE = Duration.ofDays(1);
    private static final Pattern PLAN = Pattern.compile("(?is)DatabaseMaintenancePlan.{0,40}?(?:<Value>|value=\")(.*?)(?:</Value>|\")");
    private static final Pattern ACTION = Pattern.compile("(?i)(SecurityEvent|Security|Session\\w*)[^0-9<>]{0,160}?(\\d{1,5})");

    static Retention read(Path serverConfiguration) {
        if (serverConfiguration == null || !Files.isReadable(serverConfiguration)) {
            return DEFAULT;
        }
        String text;
        try {
            text = Files.readString(serverConfiguration, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return DEFAULT;
        }
        Matcher plan = PLAN.matcher(text);
        if (!plan.find()) {
            return DEFAULT;
        }
        String p = plan.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        Duration security = null;
        Duration session = null;
        Matcher m = ACTION.matcher(p);
        while (m.find()) {
            Duration days = Duration.ofDays(Long.parseLong(m.group(2)));
            if (m.group(1).toLowerCase(Locale.ROOT).startsWith("security")) {
                security = security == null ? days : security;
            } else {
                session = session == null ? days : session;
            }
        }
        if (security == null && session == null) {
            return DEFAULT;
        }
        return new Retention(security != null ? security : DEFAULT.securityEvents,
                session != null ? session : DEFAULT.sessionData, serverConfiguration.getFileName() + "'s DatabaseMaintenancePlan");
    }

    /** The retention of {@code table}'s rows: security events for a table named like it, session data otherwise. */
    Duration of(String table) {
        return table.toLowerCase(Locale.ROOT).contains("security") ? securityEvents : sessionData;
    }

    /** Whether a row of {@code table} from {@code rowTime}, gone at {@code now}, is the routine purge. */
    boolean purged(String table, Instant rowTime, Instant now) {
        return rowTime != null && !rowTime.plus(of(table)).minus(TOLERANCE).isAfter(now);
    }

    @Override
    public String toString() {
        return "security events " + securityEvents.toDays() + " days, session data " + sessionData.toDays()
                + " days (" + origin + ")";
    }
}
