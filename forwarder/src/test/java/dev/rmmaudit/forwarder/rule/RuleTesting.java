package dev.rmmaudit.forwarder.rule;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Helpers for rule tests. */
final class RuleTesting {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-19T12:00:00Z"), ZoneOffset.UTC);

    private RuleTesting() {
    }

    static List<Rule> builtIns() {
        Problems p = new Problems();
        List<Rule> rules = RuleSet.load(RulesConfig.DEFAULT, p);
        p.throwIfAny();
        return rules;
    }

    static Detector detector(List<Rule> rules) {
        return new Detector(new RuleEngine(rules, CLOCK, 10_000), new DerivedFields(
                RulesConfig.WorkingHours.DEFAULT, null));
    }

    static List<EventView> read(Path jsonl) throws Exception {
        List<EventView> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.isBlank()) {
                out.add(EventView.of(JSON.readTree(line)));
            }
        }
        return out;
    }

    static List<Alert> run(Detector d, List<EventView> events) {
        List<Alert> out = new ArrayList<>();
        for (EventView e : events) {
            out.addAll(d.evaluate(e));
        }
        return out;
    }

    static EventView event(String json) throws Exception {
        return EventView.of(JSON.readTree(json));
    }
}
