package dev.rmmaudit.forwarder.rule;

import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules to run: the loaded files, less the disabled ones, with per-rule overrides applied. */
public final class RuleSet {
    private RuleSet() {
    }

    /** Loads and configures the rules; problems (unknown ids, bad files) are recorded, not thrown. */
    public static List<Rule> load(RulesConfig config, Problems problems) {
        List<Rule> all = RuleLoader.load(config.dir(), problems);
        for (String d : config.disabled()) {
            if (RuleLoader.find(all, d) == null) {
                problems.add("rules.disabled", "no rule has id or name '" + d + "'");
            }
        }
        for (String o : config.overrides().keySet()) {
            Rule r = RuleLoader.find(all, o);
            if (r == null) {
                problems.add("rules.overrides." + o, "no rule has id or name '" + o + "'");
            } else if (!r.isCorrelation()) {
                problems.add("rules.overrides." + o, "rule '" + r.title() + "' has no threshold or timespan "
                        + "(only correlation rules do)");
            }
        }
        List<Rule> out = new ArrayList<>();
        for (Rule r : all) {
            if (config.disabled().contains(r.id()) || (r.name() != null && config.disabled().contains(r.name()))) {
                continue;
            }
            out.add(override(r, config.overrides()));
        }
        return out;
    }

    private static Rule override(Rule r, Map<String, RulesConfig.Override> overrides) {
        RulesConfig.Override o = overrides.get(r.id());
        if (o == null && r.name() != null) {
            o = overrides.get(r.name());
        }
        if (o == null || !r.isCorrelation()) {
            return r;
        }
        Correlation c = r.correlation();
        if (o.threshold() != null) {
            c = c.withThreshold(o.threshold());
        }
        if (o.timespan() != null) {
            c = c.withTimespan(o.timespan());
        }
        return new Rule(r.id(), r.name(), r.title(), r.level(), r.description(), r.source(), r.logsource(),
                r.selections(), r.condition(), c);
    }
}
