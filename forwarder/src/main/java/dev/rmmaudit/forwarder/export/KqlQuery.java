package dev.rmmaudit.forwarder.export;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KQL for Microsoft Sentinel, over the custom table {@code RmmAudit_CL} (the sentinel sink) or over
 * {@code CommonSecurityLog} (CEF through the Azure Monitor Agent): each ECS field becomes the column, or the part
 * of a dynamic column, that holds it ({@link #column}). {@code =~} and {@code contains} compare
 * case-insensitively, as the forwarder does.
 */
final class KqlQuery extends Logic<String> {
    static final Set<String> ECS_TOP = Set.of("@timestamp", "ecs", "event", "message", "rule", "rmm_audit", "user",
            "source", "related");

    /** Where the events are. */
    enum Table { RMM_AUDIT_CL, COMMON_SECURITY_LOG }

    private final Table table;

    KqlQuery(Table table) {
        this.table = table;
    }

    private static final Map<String, String> CUSTOM = Map.ofEntries(Map.entry("event.action", "Action"),
            Map.entry("event.category", "Category"), Map.entry("event.outcome", "Outcome"),
            Map.entry("event.module", "Module"), Map.entry("event.dataset", "Dataset"),
            Map.entry("event.kind", "EventKind"), Map.entry("event.severity", "tostring(Severity)"),
            Map.entry("event.id", "EventId"), Map.entry("message", "Message"), Map.entry("user.name", "Actor"),
            Map.entry("user.target.name", "TargetUser"), Map.entry("user.target.id", "TargetUserId"),
            Map.entry("user.target.email", "TargetUserEmail"), Map.entry("source.ip", "SourceIp"),
            Map.entry("rule.id", "RuleId"), Map.entry("rule.name", "RuleName"),
            Map.entry("user.target.group.name", "tostring(TargetGroups)"),
            Map.entry("event.type", "tostring(EventTypes)"));

    private static final Map<String, String> CEF = Map.ofEntries(Map.entry("event.action", "DeviceAction"),
            Map.entry("event.category", "DeviceEventCategory"), Map.entry("event.outcome", "EventOutcome"),
            Map.entry("event.module", "DeviceProduct"),
            Map.entry("event.dataset", "tostring(split(DeviceCustomString6, \" \")[0])"),
            Map.entry("event.severity", "LogSeverity"), Map.entry("event.id", "ExtID"), Map.entry("message", "Message"),
            Map.entry("user.name", "SourceUserName"), Map.entry("user.target.name", "DestinationUserName"),
            Map.entry("user.target.id", "DestinationUserID"), Map.entry("source.ip",
                    "coalesce(SourceIP, DeviceCustomIPv6Address2, SourceHostName)"),
            Map.entry("user.target.group.name", "DeviceCustomString1"));

    /** The KQL expression holding {@code field}. */
    String column(String field) {
        Map<String, String> map = table == Table.RMM_AUDIT_CL ? CUSTOM : CEF;
        String c = map.get(field);
        if (c != null) {
            return c;
        }
        int dot = field.indexOf('.');
        if (dot < 0 || ECS_TOP.contains(field.substring(0, dot))) {
            throw new Unsupported("no column holds " + field + " in " + tableName());
        }
        String rest = field.substring(dot + 1);
        boolean custom = table == Table.RMM_AUDIT_CL;
        if (rest.equals("super_admin.before")) {
            return custom ? "tostring(SuperAdminBefore)" : "DeviceCustomString2";
        }
        if (rest.equals("super_admin.after")) {
            return custom ? "tostring(SuperAdminAfter)" : "DeviceCustomString3";
        }
        if (rest.startsWith("changes.") && (rest.endsWith(".from") || rest.endsWith(".to"))) {
            String column = rest.substring(8, rest.lastIndexOf('.'));
            String side = rest.substring(rest.lastIndexOf('.') + 1);
            return "tostring(" + (custom ? "Changes" : "parse_json(DeviceCustomString4)") + "[" + string(column)
                    + "][" + string(side) + "])";
        }
        if (rest.startsWith("origin.") && custom) {
            return "tostring(Origin[" + string(rest.substring(7)) + "])";
        }
        return "tostring(" + (custom ? "Attributes" : "parse_json(DeviceCustomString5)") + "[" + string(rest) + "])";
    }

    String tableName() {
        return table == Table.RMM_AUDIT_CL ? "RmmAudit_CL" : "CommonSecurityLog";
    }

    /** What the events of this table are, before any rule. */
    String base() {
        return table == Table.RMM_AUDIT_CL ? "RmmAudit_CL" : "CommonSecurityLog\n| where DeviceVendor == \"ConnectWise\"";
    }

    @Override
    String test(String field, Test t) {
        String c = column(field);
        String v = t.value();
        if (table == Table.COMMON_SECURITY_LOG && field.equals("event.module") && v != null) {
            v = switch (v.toLowerCase(java.util.Locale.ROOT)) { // CEF names the product, not the module
                case "automate" -> "Automate";
                case "screenconnect" -> "ScreenConnect";
                default -> v;
            };
        }
        return switch (t.kind()) {
            case EQUALS -> c + " =~ " + string(v);
            case EXISTS -> "isnotempty(" + c + ")";
            case ABSENT -> "isempty(" + c + ")";
            case REGEX -> c + " matches regex " + string(v);
            case WILDCARD -> wildcard(c, v);
        };
    }

    private static String wildcard(String c, String w) {
        String inner = w.length() >= 2 ? w.substring(1, w.length() - 1) : "";
        if (w.startsWith("*") && w.endsWith("*") && plain(inner)) {
            return c + " contains " + string(inner);
        }
        if (w.endsWith("*") && plain(w.substring(0, w.length() - 1))) {
            return c + " startswith " + string(w.substring(0, w.length() - 1));
        }
        if (w.startsWith("*") && plain(w.substring(1))) {
            return c + " endswith " + string(w.substring(1));
        }
        return c + " matches regex " + string("(?is)^" + regex(w) + "$");
    }

    private static boolean plain(String s) {
        return s.indexOf('*') < 0 && s.indexOf('?') < 0 && s.indexOf('\\') < 0;
    }

    /** A Sigma wildcard pattern as an RE2 regular expression (KQL's). */
    private static String regex(String w) {
        StringBuilder re = new StringBuilder();
        walk(w, new WildcardParts() {
            @Override
            public void any() {
                re.append(".*");
            }

            @Override
            public void one() {
                re.append('.');
            }

            @Override
            public void literal(char c) {
                if ("\\.[]{}()+|^$*?".indexOf(c) >= 0) {
                    re.append('\\');
                }
                re.append(c);
            }
        });
        return re.toString();
    }

    /** A KQL string literal. */
    static String string(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    @Override
    String and(List<String> all) {
        return "(" + String.join(" and ", all) + ")";
    }

    @Override
    String or(List<String> any) {
        return "(" + String.join(" or ", any) + ")";
    }

    @Override
    String not(String t) {
        return "not(" + t + ")";
    }
}
