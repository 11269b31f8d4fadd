package dev.rmmaudit.forwarder.rule;

import dev.rmmaudit.forwarder.config.BundledFiles;
import dev.rmmaudit.forwarder.config.ConfigNode;
import dev.rmmaudit.forwarder.config.Durations;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads rule files in the supported Sigma subset. Anything outside the subset is a problem naming the file,
 * the key and what is supported, never silently ignored.
 */
public final class RuleLoader {
    static final Set<String> LEVELS = Set.of("informational", "low", "medium", "high", "critical");
    /** Sigma keys that carry no logic: accepted and kept out of the way. */
    private static final Set<String> METADATA = Set.of("status", "description", "author", "date", "modified",
            "references", "tags", "falsepositives", "fields", "related", "license", "taxonomy", "scope");
    private static final Set<String> LOGSOURCE = Set.of("product", "category", "service", "definition");

    private RuleLoader() {
    }

    /** The built-in rules, plus (or, by id, replaced by) the rules of {@code userDir} (may be null). */
    public static List<Rule> load(Path userDir, Problems problems) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : BundledFiles.read("rules").entrySet()) {
            parse(e.getKey(), e.getValue(), problems).forEach(r -> byId.put(r.id(), r));
        }
        if (userDir != null) {
            if (!Files.isDirectory(userDir)) {
                problems.add(userDir.toString(), "rules directory does not exist");
            } else {
                Map<String, Rule> user = new LinkedHashMap<>();
                for (Path f : BundledFiles.yamlFiles(userDir)) {
                    try {
                        for (Rule r : parse(f.toString(), Files.readString(f, StandardCharsets.UTF_8), problems)) {
                            if (user.put(r.id(), r) != null) {
                                problems.add(f.toString(), "rule id " + r.id() + " is used by two rules");
                            }
                        }
                    } catch (IOException ex) {
                        problems.add(f.toString(), "cannot read: " + ex.getMessage());
                    }
                }
                byId.putAll(user);
            }
        }
        List<Rule> rules = List.copyOf(byId.values());
        checkReferences(rules, problems);
        return rules;
    }

    /** Parses every document of one rule file. */
    public static List<Rule> parse(String source, String text, Problems problems) {
        List<Rule> out = new ArrayList<>();
        for (ConfigNode doc : ConfigNode.parseAll(source, text, Env.of(Map.of()), problems)) {
            if (!doc.isPresent()) {
                continue;
            }
            Rule r = parseOne(source, doc);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static Rule parseOne(String source, ConfigNode n) {
        int before = n.problems().messages().size();
        String title = n.requiredString("title");
        String id = n.requiredString("id");
        String name = n.string("name", null);
        String level = n.string("level", "medium").toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            n.child("level").problem("must be one of informational, low, medium, high, critical, not '" + level + "'");
        }
        for (String k : METADATA) {
            n.child(k);
        }
        String description = n.string("description", null);
        Map<String, String> logsource = new LinkedHashMap<>();
        ConfigNode ls = n.child("logsource");
        for (String k : LOGSOURCE) {
            String v = ls.string(k, null);
            if (v != null && !k.equals("definition")) {
                logsource.put(k, v);
            }
        }
        if (ls.isPresent()) {
            ls.rejectUnknownKeys();
        }
        ConfigNode detection = n.child("detection");
        ConfigNode correlationNode = n.child("correlation");
        List<Selection> selections = List.of();
        Condition condition = null;
        Correlation correlation = null;
        if (detection.isPresent() == correlationNode.isPresent()) {
            n.problem("a rule needs exactly one of 'detection' (a rule) or 'correlation' (a correlation rule)");
        } else if (detection.isPresent()) {
            selections = selections(detection);
            condition = condition(detection, selections);
        } else {
            correlation = correlation(correlationNode);
        }
        n.rejectUnknownKeys();
        if (n.problems().messages().size() > before) {
            return null;
        }
        return new Rule(id, name, title, level, description, source, Map.copyOf(logsource), selections, condition,
                correlation);
    }

    private static List<Selection> selections(ConfigNode detection) {
        List<Selection> out = new ArrayList<>();
        for (String key : detection.keys()) {
            if (key.equals("condition") || key.equals("timeframe")) {
                continue;
            }
            ConfigNode s = detection.child(key);
            List<List<FieldMatcher>> alternatives = new ArrayList<>();
            if (s.isMap()) {
                alternatives.add(fieldMatchers(s));
            } else if (s.isList()) {
                for (ConfigNode item : s.items()) {
                    if (item.isMap()) {
                        alternatives.add(fieldMatchers(item));
                    } else {
                        item.problem("keyword selections (plain values without a field) are not supported; "
                                + "write field: value");
                    }
                }
            } else {
                s.problem("a selection must be a map of field: value, or a list of such maps");
            }
            out.add(new Selection(key, alternatives));
        }
        if (detection.has("timeframe")) {
            detection.child("timeframe").problem("'timeframe' is not supported; write a correlation rule with "
                    + "'timespan'");
        }
        if (out.isEmpty()) {
            detection.problem("a detection needs at least one named selection");
        }
        return out;
    }

    private static List<FieldMatcher> fieldMatchers(ConfigNode map) {
        List<FieldMatcher> out = new ArrayList<>();
        for (String key : map.keys()) {
            ConfigNode v = map.child(key);
            String[] parts = key.split("\\|");
            String field = parts[0];
            Set<String> modifiers = new LinkedHashSet<>();
            for (int i = 1; i < parts.length; i++) {
                String m = parts[i].toLowerCase(Locale.ROOT);
                if (!FieldMatcher.MODIFIERS.contains(m)) {
                    v.problem("modifier '" + parts[i] + "' is not supported; supported: contains, startswith, "
                            + "endswith, re, exists, all");
                }
                modifiers.add(m);
            }
            List<String> values = new ArrayList<>();
            if (v.isList()) {
                for (ConfigNode item : v.items()) {
                    values.add(item.isPresent() ? item.text() : null);
                }
            } else if (v.isMap()) {
                v.problem("a field's value must be a value or a list of values, not a map");
            } else {
                values.add(v.isPresent() ? v.text() : null);
            }
            if (modifiers.contains("re")) {
                for (String s : values) {
                    try {
                        java.util.regex.Pattern.compile(s == null ? "" : s);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        v.problem("not a valid regular expression: " + e.getDescription());
                    }
                }
            }
            out.add(FieldMatcher.of(field, modifiers, values));
        }
        return out;
    }

    private static Condition condition(ConfigNode detection, List<Selection> selections) {
        ConfigNode c = detection.child("condition");
        if (c.isList()) {
            c.problem("a list of conditions is not supported; join them with 'or'");
            return null;
        }
        String text = c.text();
        if (text == null) {
            detection.problem("missing 'condition'");
            return null;
        }
        try {
            return Condition.parse(text, selections.stream().map(Selection::name).toList());
        } catch (IllegalArgumentException e) {
            c.problem("condition '" + text + "': " + e.getMessage() + " (supported: and, or, not, parentheses, "
                    + "1 of, all of, selection names)");
            return null;
        }
    }

    private static Correlation correlation(ConfigNode n) {
        String typeText = n.string("type", null);
        Correlation.Type type = null;
        if (typeText == null) {
            n.problem("missing 'type' (supported: event_count, value_count, temporal_ordered)");
        } else {
            try {
                type = Correlation.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                n.child("type").problem("'" + typeText + "' is not supported; supported: event_count, value_count, "
                        + "temporal_ordered");
            }
        }
        List<String> rules = n.stringList("rules");
        if (rules.isEmpty()) {
            n.problem("missing 'rules': the names or ids of the rules this correlation combines");
        }
        List<String> groupBy = n.stringList("group-by");
        Duration timespan = Durations.read(n.child("timespan"), null);
        if (timespan == null) {
            n.problem("missing 'timespan' (such as 5m)");
        }
        boolean generate = n.bool("generate", false);
        Correlation.Op op = Correlation.Op.GTE;
        long threshold = 1;
        String field = null;
        ConfigNode cond = n.child("condition");
        if (type == Correlation.Type.TEMPORAL_ORDERED) {
            if (rules.size() < 2) {
                n.child("rules").problem("temporal_ordered needs at least two rules, in order");
            }
            if (cond.isPresent()) {
                cond.problem("temporal_ordered takes no condition: it fires when the rules match in order");
            }
        } else if (type != null) {
            if (!cond.isMap()) {
                n.problem("missing 'condition', such as {gte: 5}");
            } else {
                int ops = 0;
                for (Correlation.Op o : Correlation.Op.values()) {
                    String key = o.name().toLowerCase(Locale.ROOT);
                    if (cond.has(key)) {
                        ops++;
                        op = o;
                        threshold = cond.longValue(key, 1, 0, Long.MAX_VALUE);
                    }
                }
                if (ops != 1) {
                    cond.problem("needs exactly one of gt, gte, lt, lte, eq");
                }
                field = cond.string("field", null);
                if (type == Correlation.Type.VALUE_COUNT && field == null) {
                    cond.problem("value_count needs 'field': the field whose distinct values are counted");
                }
                if (type == Correlation.Type.EVENT_COUNT && field != null) {
                    cond.child("field").problem("only value_count counts a field");
                }
                cond.rejectUnknownKeys();
            }
        }
        n.rejectUnknownKeys();
        return type == null || timespan == null ? null
                : new Correlation(type, rules, groupBy, timespan, op, threshold, field, generate);
    }

    /** Every rule a correlation names must exist (by name or id), and correlations must not form a loop. */
    static void checkReferences(List<Rule> rules, Problems problems) {
        for (Rule r : rules) {
            if (!r.isCorrelation()) {
                continue;
            }
            for (String ref : r.correlation().rules()) {
                Rule target = find(rules, ref);
                if (target == null) {
                    problems.add(r.source(), "correlation '" + r.title() + "' names rule '" + ref
                            + "', which does not exist (give a rule's name or id)");
                } else if (target == r) {
                    problems.add(r.source(), "correlation '" + r.title() + "' names itself");
                }
            }
        }
    }

    public static Rule find(List<Rule> rules, String ref) {
        for (Rule r : rules) {
            if (ref.equals(r.id()) || ref.equals(r.name())) {
                return r;
            }
        }
        return null;
    }
}
