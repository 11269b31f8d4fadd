package dev.rmmaudit.forwarder.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.config.BundledFiles;
import dev.rmmaudit.forwarder.rule.Correlation;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The alert rules as detections of a SIEM: Splunk saved searches, Sentinel scheduled analytics rules (ARM, over
 * the custom table and over CommonSecurityLog), Elasticsearch/OpenSearch searches, or the Sigma files themselves.
 * A rule a target cannot express is left out and listed with the reason; the rest are written.
 */
public final class RuleExport {
    /** The targets, as {@code --target} names them. */
    public static final List<String> TARGETS = List.of("splunk", "sentinel", "elastic", "sigma");
    /** How often a detection without a timespan of its own runs, and over how much time. */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    /** A rule left out, and why. */
    public record Skipped(Rule rule, String why) {
    }

    /** The files written and the rules left out. */
    public record Result(List<Path> files, List<Skipped> skipped) {
    }

    private final List<Rule> rules;

    public RuleExport(List<Rule> rules) {
        this.rules = rules;
    }

    /** Writes {@code target}'s files under {@code out}/{@code target}/. */
    public Result write(String target, Path out) throws IOException {
        Path dir = out.resolve(target);
        Files.createDirectories(dir);
        List<Skipped> skipped = new ArrayList<>();
        List<Path> files = switch (target) {
            case "elastic" -> elastic(dir, skipped);
            case "splunk" -> List.of(write(dir.resolve("savedsearches.conf"), splunk(skipped)));
            case "sentinel" -> List.of(
                    write(dir.resolve("analytics-rules.RmmAudit_CL.json"), sentinel(KqlQuery.Table.RMM_AUDIT_CL,
                            skipped)),
                    write(dir.resolve("analytics-rules.CommonSecurityLog.json"), sentinel(
                            KqlQuery.Table.COMMON_SECURITY_LOG, new ArrayList<>())));
            case "sigma" -> sigma(dir);
            default -> throw new IllegalArgumentException("target must be one of " + TARGETS + ", not " + target);
        };
        return new Result(files, skipped);
    }

    /**
     * The rules that alert on their own: all but those a correlation counts without {@code generate: true} (Sigma's
     * default), which only feed it, as in the forwarder.
     */
    List<Rule> alerting() {
        java.util.Set<String> feedOnly = new java.util.HashSet<>();
        for (Rule r : rules) {
            if (r.isCorrelation() && !r.correlation().generate()) {
                for (String ref : r.correlation().rules()) {
                    Rule used = RuleLoader.find(rules, ref);
                    if (used != null) {
                        feedOnly.add(used.id());
                    }
                }
            }
        }
        return rules.stream().filter(r -> !feedOnly.contains(r.id())).toList();
    }

    /** The detection a correlation counts: any of the rules it names. */
    private <T> T counted(Logic<T> logic, Rule r) {
        Correlation c = r.correlation();
        if (c.type() == Correlation.Type.TEMPORAL_ORDERED) {
            throw new Logic.Unsupported("a temporal correlation (" + r.summary() + ") is not a single search; the "
                    + "forwarder's own alert covers it");
        }
        List<T> any = new ArrayList<>();
        for (String ref : c.rules()) {
            Rule used = RuleLoader.find(rules, ref);
            if (used.isCorrelation()) {
                throw new Logic.Unsupported("a correlation of correlations is not a single search");
            }
            any.add(logic.detection(used));
        }
        return any.size() == 1 ? any.get(0) : logic.or(any);
    }

    static Duration window(Rule r) {
        return r.isCorrelation() ? r.correlation().timespan() : DEFAULT_WINDOW;
    }

    /** A duration as Elasticsearch's date math and Splunk's relative time write it: {@code 5m}, {@code 1h}. */
    static String shortDuration(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    // ---- Elasticsearch / OpenSearch

    private List<Path> elastic(Path dir, List<Skipped> skipped) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Rule r : alerting()) {
            try {
                ObjectNode doc = elasticRule(r);
                files.add(write(dir.resolve(fileName(r) + ".json"), ElasticQuery.JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(doc) + "\n"));
            } catch (Logic.Unsupported e) {
                skipped.add(new Skipped(r, e.getMessage()));
            }
        }
        return files;
    }

    /**
     * One rule as a search to run every window over the last window: {@code search} is the body of
     * {@code POST logs-rmm_audit-*}{@code /_search}; it alerts when {@code hits.total} is above zero, or, for a
     * correlation, when the {@code groups} aggregation has a bucket.
     */
    private ObjectNode elasticRule(Rule r) {
        ElasticQuery q = new ElasticQuery();
        ObjectNode doc = meta(r);
        String window = shortDuration(window(r));
        doc.putObject("schedule").put("interval", window).put("lookback", window);
        ObjectNode search = doc.putObject("search");
        ObjectNode time = ElasticQuery.JSON.createObjectNode();
        time.putObject("range").putObject("@timestamp").put("gte", "now-" + window);
        if (!r.isCorrelation()) {
            search.put("size", 100);
            search.set("query", q.and(List.of(time, q.detection(r))));
            doc.put("alert_when", "hits.total.value > 0");
            return doc;
        }
        Correlation c = r.correlation();
        search.put("size", 0);
        search.set("query", q.and(List.of(time, counted(q, r))));
        if (c.groupBy().size() > 1) {
            throw new Logic.Unsupported("grouping by more than one field");
        }
        ObjectNode groups = search.putObject("aggs").putObject("groups");
        ObjectNode terms = groups.putObject("terms");
        if (c.groupBy().isEmpty()) {
            terms.put("script", "'all'");
        } else {
            terms.put("field", c.groupBy().get(0));
        }
        terms.put("size", 1000);
        String measure;
        if (c.type() == Correlation.Type.VALUE_COUNT) {
            groups.putObject("aggs").putObject("values").putObject("cardinality").put("field", c.field());
            measure = "values";
        } else {
            measure = "_count";
        }
        ObjectNode selector = groups.with("aggs").putObject("over_threshold").putObject("bucket_selector");
        selector.putObject("buckets_path").put("n", measure);
        selector.put("script", "params.n " + op(c.op()) + " " + c.threshold());
        doc.put("alert_when", "aggregations.groups.buckets is not empty");
        return doc;
    }

    private static String op(Correlation.Op op) {
        return switch (op) {
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
            case EQ -> "==";
        };
    }

    private static ObjectNode meta(Rule r) {
        ObjectNode doc = ElasticQuery.JSON.createObjectNode();
        doc.put("id", r.id());
        doc.put("name", r.name());
        doc.put("title", r.title());
        doc.put("level", r.level());
        doc.put("severity", r.severity());
        doc.put("description", r.description());
        return doc;
    }

    // ---- Splunk

    private String splunk(List<Skipped> skipped) {
        StringBuilder out = new StringBuilder("# rmm-audit detections, made by `forwarder rules export --target splunk`."
                + "\n# They search the macro `rmm_audit_events` (packaging/splunk: both sourcetypes).\n");
        for (Rule r : alerting()) {
            try {
                String spl = splunkSearch(r);
                String window = shortDuration(period(r));
                out.append("\n# rule ").append(r.id()).append(r.name() == null ? "" : " (" + r.name() + ")")
                        .append(", level ").append(r.level()).append('\n');
                out.append('[').append("rmm-audit - ").append(r.title().replace("[", "(").replace("]", ")"))
                        .append("]\n");
                out.append("description = ").append(oneLine(r.description())).append('\n');
                out.append("search = ").append(spl).append('\n');
                out.append("dispatch.earliest_time = -").append(window).append('\n');
                out.append("dispatch.latest_time = now\n");
                out.append("cron_schedule = ").append(cron(window(r))).append('\n');
                out.append("enableSched = 1\n");
                out.append("alert.severity = ").append(splunkSeverity(r)).append('\n');
                out.append("alert_type = number of events\nalert_comparator = greater than\nalert_threshold = 0\n");
                out.append("alert.track = 1\n");
            } catch (Logic.Unsupported e) {
                skipped.add(new Skipped(r, e.getMessage()));
            }
        }
        return out.toString();
    }

    /** The SPL of one rule. */
    String splunkSearch(Rule r) {
        SplunkQuery q = new SplunkQuery();
        if (!r.isCorrelation()) {
            return "`rmm_audit_events` " + q.detection(r);
        }
        Correlation c = r.correlation();
        if (c.type() == Correlation.Type.TEMPORAL_ORDERED) {
            List<Rule> steps = temporalSteps(r);
            String by = String.join(" ", c.groupBy());
            return splunkStep(q, steps.get(0), by, "first_time") + " | join type=inner " + by + " [search "
                    + splunkStep(q, steps.get(1), by, "then_time") + "] | where then_time > first_time AND then_time"
                    + " - first_time <= " + c.timespan().toSeconds();
        }
        String by = c.groupBy().isEmpty() ? "" : " by " + String.join(" ", c.groupBy());
        String measure = c.type() == Correlation.Type.VALUE_COUNT ? "dc(" + c.field() + ")" : "count";
        return "`rmm_audit_events` " + counted(q, r) + " | stats " + measure + " as matches" + by
                + " | where matches " + op(c.op()) + " " + c.threshold();
    }

    /** One step of a temporal correlation in SPL: when it last happened per group ({@code as}). */
    private String splunkStep(SplunkQuery q, Rule step, String by, String as) {
        if (!step.isCorrelation()) {
            return "`rmm_audit_events` " + q.detection(step) + " | stats max(_time) as " + as + " by " + by;
        }
        Correlation c = step.correlation();
        String measure = c.type() == Correlation.Type.VALUE_COUNT ? "dc(" + c.field() + ")" : "count";
        return "`rmm_audit_events` " + counted(q, step) + " | bin _time span=" + shortDuration(c.timespan())
                + " | stats " + measure + " as matches max(_time) as " + as + " by " + by + " _time | where matches "
                + op(c.op()) + " " + c.threshold() + " | stats max(" + as + ") as " + as + " by " + by;
    }

    /**
     * The two rules of a temporal correlation, each a detection or a count grouped as the correlation is; what
     * a single SIEM search can follow (the first's last time per group, then the second's within the timespan).
     */
    private List<Rule> temporalSteps(Rule r) {
        Correlation c = r.correlation();
        if (c.rules().size() != 2 || c.groupBy().isEmpty()) {
            throw new Logic.Unsupported("a temporal correlation of other than two rules, or without group-by");
        }
        List<Rule> steps = new ArrayList<>();
        for (String ref : c.rules()) {
            Rule step = RuleLoader.find(rules, ref);
            if (step.isCorrelation() && (step.correlation().type() == Correlation.Type.TEMPORAL_ORDERED
                    || !step.correlation().groupBy().equals(c.groupBy()))) {
                throw new Logic.Unsupported("a temporal correlation over a correlation grouped otherwise");
            }
            steps.add(step);
        }
        return steps;
    }

    /** How far back a rule's search must look: its window, and for a temporal correlation its steps' too. */
    private Duration period(Rule r) {
        Duration d = window(r);
        if (r.isCorrelation() && r.correlation().type() == Correlation.Type.TEMPORAL_ORDERED) {
            for (String ref : r.correlation().rules()) {
                Rule step = RuleLoader.find(rules, ref);
                if (step != null && step.isCorrelation()) {
                    d = d.plus(step.correlation().timespan());
                }
            }
        }
        return d;
    }

    private static String cron(Duration window) {
        long m = Math.max(1, window.toMinutes());
        return m < 60 ? "*/" + m + " * * * *" : "0 */" + Math.max(1, m / 60) + " * * *";
    }

    private static int splunkSeverity(Rule r) {
        return switch (r.level()) {
            case "informational" -> 1;
            case "low" -> 2;
            case "medium" -> 3;
            case "high" -> 4;
            default -> 5;
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    // ---- Sentinel

    private String sentinel(KqlQuery.Table table, List<Skipped> skipped) throws IOException {
        ObjectNode arm = ElasticQuery.JSON.createObjectNode();
        arm.put("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        arm.put("contentVersion", "1.0.0.0");
        arm.putObject("parameters").putObject("workspace").put("type", "string");
        ArrayNode resources = arm.putArray("resources");
        for (Rule r : alerting()) {
            try {
                String kql = kql(r, table);
                ObjectNode res = resources.addObject();
                String ruleId = java.util.UUID.nameUUIDFromBytes((r.id() + table).getBytes(StandardCharsets.UTF_8))
                        .toString();
                res.put("type", "Microsoft.OperationalInsights/workspaces/providers/alertRules");
                res.put("apiVersion", "2023-02-01");
                res.put("name", "[concat(parameters('workspace'), '/Microsoft.SecurityInsights/" + ruleId + "')]");
                res.put("kind", "Scheduled");
                ObjectNode p = res.putObject("properties");
                p.put("displayName", "rmm-audit - " + r.title());
                p.put("description", oneLine(r.description()));
                p.put("severity", switch (r.level()) {
                    case "informational" -> "Informational";
                    case "low" -> "Low";
                    case "medium" -> "Medium";
                    default -> "High";
                });
                p.put("enabled", true);
                p.put("query", kql);
                String period = period(r).toString();
                p.put("queryFrequency", period);
                p.put("queryPeriod", period);
                p.put("triggerOperator", "GreaterThan");
                p.put("triggerThreshold", 0);
                p.put("suppressionDuration", "PT1H");
                p.put("suppressionEnabled", false);
                p.putArray("tactics");
                p.putObject("eventGroupingSettings").put("aggregationKind", "AlertPerResult");
            } catch (Logic.Unsupported e) {
                skipped.add(new Skipped(r, e.getMessage()));
            }
        }
        return ElasticQuery.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arm) + "\n";
    }

    /** The KQL of one rule over {@code table}. */
    String kql(Rule r, KqlQuery.Table table) {
        KqlQuery q = new KqlQuery(table);
        String window = shortDuration(period(r));
        String head = q.base() + "\n| where TimeGenerated > ago(" + window + ")\n| where ";
        if (!r.isCorrelation()) {
            return head + q.detection(r);
        }
        Correlation c = r.correlation();
        if (c.type() == Correlation.Type.TEMPORAL_ORDERED) {
            List<Rule> steps = temporalSteps(r);
            List<String> groups = c.groupBy().stream().map(q::column).map(col -> col.matches("[A-Za-z]+") ? col
                    : groupName(col) + " = " + col).toList();
            String by = String.join(", ", groups);
            String on = String.join(", ", groups.stream().map(g -> g.contains(" = ") ? g.substring(0, g.indexOf(' '))
                    : g).toList());
            return "let First = " + kqlStep(q, head, steps.get(0), by, "FirstTime") + ";\nlet Then = "
                    + kqlStep(q, head, steps.get(1), by, "ThenTime") + ";\nFirst\n| join kind=inner Then on " + on
                    + "\n| where ThenTime > FirstTime and ThenTime - FirstTime <= " + shortDuration(c.timespan());
        }
        String by = c.groupBy().isEmpty() ? "" : " by " + String.join(", ", c.groupBy().stream().map(q::column)
                .map(col -> col.matches("[A-Za-z]+") ? col : groupName(col) + " = " + col)
                .toList());
        String measure = c.type() == Correlation.Type.VALUE_COUNT ? "dcount(" + q.column(c.field()) + ")"
                : "count()";
        return head + counted(q, r) + "\n| summarize Matches = " + measure + by + "\n| where Matches "
                + op(c.op()) + " " + c.threshold();
    }

    /** One step of a temporal correlation in KQL: when it last happened per group ({@code as}). */
    private String kqlStep(KqlQuery q, String head, Rule step, String by, String as) {
        if (!step.isCorrelation()) {
            return head + q.detection(step) + "\n| summarize " + as + " = max(TimeGenerated) by " + by;
        }
        Correlation c = step.correlation();
        String measure = c.type() == Correlation.Type.VALUE_COUNT ? "dcount(" + q.column(c.field()) + ")"
                : "count()";
        return head + counted(q, step) + "\n| summarize Matches = " + measure + ", " + as + " = max(TimeGenerated) by "
                + by + ", bin(TimeGenerated, " + shortDuration(c.timespan()) + ")\n| where Matches " + op(c.op())
                + " " + c.threshold() + "\n| summarize " + as + " = max(" + as + ") by " + by;
    }

    /** A column name for a grouped expression: {@code tostring(Attributes["script.id"])} is {@code script_id}. */
    private static String groupName(String expression) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[\"([^\"]+)\"\\]").matcher(expression);
        String name = null;
        while (m.find()) {
            name = (name == null ? "" : name + "_") + m.group(1);
        }
        return name == null ? "Group" : name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    // ---- Sigma

    private List<Path> sigma(Path dir) throws IOException {
        Map<String, String> bundled = BundledFiles.read("rules");
        Map<String, String> texts = new LinkedHashMap<>();
        for (Rule r : rules) {
            String text = bundled.get(r.source());
            if (text == null && Files.isRegularFile(Path.of(r.source()))) {
                text = Files.readString(Path.of(r.source()), StandardCharsets.UTF_8);
            }
            if (text != null) {
                texts.put(Path.of(r.source()).getFileName().toString(), text);
            }
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> t : texts.entrySet()) {
            files.add(write(dir.resolve(t.getKey()), t.getValue()));
        }
        files.add(write(dir.resolve("pipeline-rmm-audit.yml"), new String(RuleExport.class.getResourceAsStream(
                "/export/pipeline-rmm-audit.yml").readAllBytes(), StandardCharsets.UTF_8)));
        return files;
    }

    private static String fileName(Rule r) {
        return (r.name() != null ? r.name() : r.id()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "_");
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
