package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.Problems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEngineTest {
    private static List<Rule> rules(String yaml) {
        Problems p = new Problems();
        List<Rule> r = RuleLoader.parse("test.yml", yaml, p);
        RuleLoader.checkReferences(r, p);
        p.throwIfAny();
        return r;
    }

    private static final String COUNT = """
            title: fail
            id: f
            name: fail
            detection:
              s: {event.outcome: failure}
              condition: s
            ---
            title: burst
            id: b
            name: burst
            correlation:
              type: event_count
              rules: [fail]
              group-by: [user.target.name]
              timespan: 5m
              condition: {gte: 3}
            level: high
            """;

    private static EventView at(String time, String user, String outcome) throws Exception {
        return RuleTesting.event("{\"@timestamp\":\"" + time + "\",\"event\":{\"id\":\"" + time + user
                + "\",\"outcome\":\"" + outcome + "\",\"category\":[\"authentication\"]},\"user\":{\"target\":"
                + "{\"name\":\"" + user + "\"}},\"source\":{\"ip\":\"192.0.2.1\"}}");
    }

    private static List<String> fired(RuleEngine engine, EventView... events) {
        List<String> out = new ArrayList<>();
        for (EventView e : events) {
            engine.evaluate(e).forEach(a -> out.add(a.rule().name()));
        }
        return out;
    }

    @Test
    void eventCount_thresholdWithinTimespan_firesOnce() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100);
        assertEquals(List.of("burst"), fired(engine,
                at("2026-11-19T10:00:00Z", "bob", "failure"),
                at("2026-11-19T10:01:00Z", "bob", "failure"),
                at("2026-11-19T10:02:00Z", "bob", "failure"),
                at("2026-11-19T10:03:00Z", "bob", "failure")));
    }

    @Test
    void eventCount_spreadBeyondTimespan_doesNotFire() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100);
        assertEquals(List.of(), fired(engine,
                at("2026-11-19T10:00:00Z", "bob", "failure"),
                at("2026-11-19T10:04:00Z", "bob", "failure"),
                at("2026-11-19T10:09:30Z", "bob", "failure")));
    }

    @Test
    void eventCount_afterSuppressionEnds_firesAgain() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100);
        List<String> out = fired(engine,
                at("2026-11-19T10:00:00Z", "bob", "failure"), at("2026-11-19T10:00:10Z", "bob", "failure"),
                at("2026-11-19T10:00:20Z", "bob", "failure"), at("2026-11-19T10:04:00Z", "bob", "failure"),
                at("2026-11-19T10:06:00Z", "bob", "failure"), at("2026-11-19T10:06:10Z", "bob", "failure"));
        assertEquals(List.of("burst", "burst"), out);
    }

    @Test
    void eventCount_groupsAreSeparate() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100);
        assertEquals(List.of(), fired(engine,
                at("2026-11-19T10:00:00Z", "bob", "failure"), at("2026-11-19T10:00:10Z", "alice", "failure"),
                at("2026-11-19T10:00:20Z", "carol", "failure")));
    }

    @Test
    void groups_areBoundedInMemory() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 50);
        for (int i = 0; i < 10_000; i++) {
            engine.evaluate(at("2026-11-19T10:00:00Z", "user" + i, "failure"));
        }
        assertTrue(engine.groupCount() <= 50, "groups: " + engine.groupCount());
    }

    @Test
    void groups_idleLongerThanTimespan_areSwept() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100_000);
        for (int i = 0; i < 1000; i++) {
            engine.evaluate(at("2026-11-19T10:00:00Z", "user" + i, "failure"));
        }
        for (int i = 0; i < 1100; i++) {
            engine.evaluate(at("2026-11-19T11:00:00Z", "late", "success"));
        }
        assertEquals(0, engine.groupCount());
    }

    @Test
    void temporalOrdered_successAfterBurst_fires_butSuccessBeforeBurstDoesNot() throws Exception {
        String yaml = COUNT + """
                ---
                title: ok
                id: o
                name: ok
                detection:
                  s: {event.outcome: success}
                  condition: s
                ---
                title: success after burst
                id: sab
                name: sab
                correlation:
                  type: temporal_ordered
                  rules: [burst, ok]
                  group-by: [user.target.name]
                  timespan: 10m
                level: critical
                """;
        RuleEngine engine = new RuleEngine(rules(yaml), RuleTesting.CLOCK, 100);
        assertEquals(List.of(), fired(engine, at("2026-11-19T09:59:00Z", "bob", "success")));
        assertEquals(List.of("burst", "sab"), fired(engine,
                at("2026-11-19T10:00:00Z", "bob", "failure"), at("2026-11-19T10:00:10Z", "bob", "failure"),
                at("2026-11-19T10:00:20Z", "bob", "failure"), at("2026-11-19T10:03:00Z", "bob", "success")));
        RuleEngine late = new RuleEngine(rules(yaml), RuleTesting.CLOCK, 100);
        assertEquals(List.of("burst"), fired(late,
                at("2026-11-19T10:00:00Z", "bob", "failure"), at("2026-11-19T10:00:10Z", "bob", "failure"),
                at("2026-11-19T10:00:20Z", "bob", "failure"), at("2026-11-19T10:30:00Z", "bob", "success")));
    }

    @Test
    void valueCount_countsDistinctValues() throws Exception {
        String yaml = COUNT.replace("""
                correlation:
                  type: event_count
                  rules: [fail]
                  group-by: [user.target.name]
                  timespan: 5m
                  condition: {gte: 3}""", """
                correlation:
                  type: value_count
                  rules: [fail]
                  group-by: [source.ip]
                  timespan: 5m
                  condition: {gte: 3, field: user.target.name}""");
        RuleEngine engine = new RuleEngine(rules(yaml), RuleTesting.CLOCK, 100);
        assertEquals(List.of(), fired(engine, at("2026-11-19T10:00:00Z", "bob", "failure"),
                at("2026-11-19T10:00:01Z", "bob", "failure"), at("2026-11-19T10:00:02Z", "BOB", "failure"),
                at("2026-11-19T10:00:03Z", "alice", "failure")));
        assertEquals(List.of("burst"), fired(engine, at("2026-11-19T10:00:04Z", "carol", "failure")));
    }

    @Test
    void eventWithoutTime_usesTheClock() throws Exception {
        RuleEngine engine = new RuleEngine(rules(COUNT), RuleTesting.CLOCK, 100);
        EventView noTime = RuleTesting.event("{\"event\":{\"outcome\":\"failure\"},\"user\":{\"target\":{\"name\":\"x\"}}}");
        engine.evaluate(noTime);
        engine.evaluate(noTime);
        List<Alert> a = engine.evaluate(noTime);
        assertEquals(Instant.parse("2026-11-19T12:00:00Z"), a.get(0).time());
    }

    @Test
    void eventView_time_isParsedFromTimestamp_andKeptByDerivedCopies() throws Exception {
        EventView e = at("2026-11-19T10:00:00Z", "bob", "failure");
        assertEquals(Instant.parse("2026-11-19T10:00:00Z"), e.time());
        assertEquals(e.time(), e.with("forwarder.x", "1").time());
        assertEquals(Instant.parse("2026-11-19T11:00:00Z"), e.with("@timestamp", "2026-11-19T11:00:00Z").time());
        assertEquals(null, RuleTesting.event("{\"@timestamp\":\"yesterday\"}").time());
    }
}
