package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {
    private static String problems(String yaml) {
        Problems p = new Problems();
        List<Rule> rules = RuleLoader.parse("r.yml", yaml, p);
        RuleLoader.checkReferences(rules, p);
        return String.join("\n", p.messages());
    }

    private static boolean matches(String detection, String eventJson) throws Exception {
        Problems p = new Problems();
        List<Rule> parsed = RuleLoader.parse("r.yml", "title: t\nid: x\ndetection:\n" + detection, p);
        p.throwIfAny();
        Rule r = parsed.get(0);
        return r.matches(RuleTesting.event(eventJson));
    }

    @Test
    void load_builtInPack_hasNoProblems() {
        Problems p = new Problems();
        List<Rule> rules = RuleLoader.load(null, p);
        assertEquals(List.of(), p.messages());
        assertTrue(rules.size() >= 14, "rules: " + rules.size());
    }

    @Test
    void parse_unsupportedSigma_isRejectedWithFileKeyAndWhatIsSupported() {
        String m = problems("""
                title: t
                id: a
                level: urgent
                detection:
                  kw:
                    - mimikatz
                  sel:
                    event.action|base64offset|contains: x
                  condition: sel | count() > 5
                """);
        assertTrue(m.contains("r.yml:3 level: must be one of informational, low, medium, high, critical"), m);
        assertTrue(m.contains("keyword selections (plain values without a field) are not supported"), m);
        assertTrue(m.contains("modifier 'base64offset' is not supported; supported: contains, startswith"), m);
        assertTrue(m.contains("aggregations after '|' are not supported; write a correlation rule"), m);
    }

    @Test
    void parse_badCorrelation_saysWhatIsMissing() {
        String m = problems("""
                title: c
                id: c
                correlation:
                  type: temporal
                  rules: [nosuch]
                  timespan: soon
                """);
        assertTrue(m.contains("'temporal' is not supported; supported: event_count, value_count, temporal_ordered"), m);
        assertTrue(m.contains("timespan: must be a duration such as 250ms, 5s, 2m"), m);
        String refs = problems("""
                title: c
                id: c
                correlation:
                  type: event_count
                  rules: [nosuch]
                  timespan: 5m
                  condition: {gte: 2}
                """);
        assertTrue(refs.contains("names rule 'nosuch', which does not exist"), refs);
    }

    @Test
    void parse_unknownTopLevelKey_isAnError() {
        String m = problems("title: t\nid: x\nfrobnicate: 1\ndetection:\n  s: {a: b}\n  condition: s\n");
        assertTrue(m.contains("r.yml:3 frobnicate: unknown key"), m);
    }

    @Test
    void match_valuesAreCaseInsensitiveWithWildcards() throws Exception {
        String ev = "{\"user\":{\"name\":\"Admin-Backup\"},\"event\":{\"action\":\"user-created\"}}";
        assertTrue(matches("  s: {user.name: admin-*}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name: 'ADMIN-BACKU?'}\n  condition: s\n", ev));
        assertFalse(matches("  s: {user.name: admin}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name|contains: BACK}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name|startswith: adm}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name|endswith: up}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name|re: '^Admin-\\w+$'}\n  condition: s\n", ev));
        assertTrue(matches("  s: {source.ip|exists: false}\n  condition: s\n", ev));
        assertFalse(matches("  s: {user.name|exists: false}\n  condition: s\n", ev));
        assertTrue(matches("  s: {source.ip: null}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name|contains|all: [admin, backup]}\n  condition: s\n", ev));
        assertFalse(matches("  s: {user.name|contains|all: [admin, root]}\n  condition: s\n", ev));
        assertTrue(matches("  s: {user.name: 'a\\*'}\n  condition: not s\n", ev), "escaped * is literal");
    }

    @Test
    void match_conditionsCombine() throws Exception {
        String ev = "{\"user\":{\"name\":\"bob\"},\"event\":{\"action\":\"user-created\"}}";
        String sel = "  sel_a: {user.name: bob}\n  sel_b: {event.action: user-deleted}\n  filter: {user.name: root}\n";
        assertTrue(matches(sel + "  condition: 1 of sel_*\n", ev));
        assertFalse(matches(sel + "  condition: all of sel_*\n", ev));
        assertTrue(matches(sel + "  condition: (sel_a or sel_b) and not filter\n", ev));
        assertFalse(matches(sel + "  condition: sel_a and (sel_b or filter)\n", ev));
        assertTrue(matches(sel + "  condition: 1 of them\n", ev));
    }

    @Test
    void match_listOfMapsIsOr_mapIsAnd() throws Exception {
        String ev = "{\"user\":{\"name\":\"bob\"},\"event\":{\"action\":\"user-created\"}}";
        assertTrue(matches("  s:\n    - {user.name: alice}\n    - {event.action: user-created}\n  condition: s\n",
                ev));
        assertFalse(matches("  s: {user.name: alice, event.action: user-created}\n  condition: s\n", ev));
    }

    private static boolean matchesWithLogsource(String logsource, String eventJson) throws Exception {
        Problems p = new Problems();
        List<Rule> parsed = RuleLoader.parse("r.yml", "title: t\nid: x\nlogsource: " + logsource
                + "\ndetection:\n  s: {event.action: x}\n  condition: s\n", p);
        p.throwIfAny();
        return parsed.get(0).matches(RuleTesting.event(eventJson));
    }

    @Test
    void match_logsource_comparesModuleCategoryAndDatasetSuffixIgnoringCase() throws Exception {
        String ev = "{\"event\":{\"action\":\"x\",\"module\":\"automate\",\"category\":[\"iam\",\"Authentication\"],"
                + "\"dataset\":\"automate.Users\"}}";
        assertTrue(matchesWithLogsource("{product: Automate, category: authentication, service: users}", ev));
        assertFalse(matchesWithLogsource("{product: screenconnect}", ev));
        assertFalse(matchesWithLogsource("{category: network}", ev));
        assertFalse(matchesWithLogsource("{service: sers}", ev), "a suffix must follow the dot");
        assertFalse(matchesWithLogsource("{service: automate.users.more}", ev), "longer than the dataset");
        assertFalse(matchesWithLogsource("{service: users}", "{\"event\":{\"action\":\"x\"}}"), "no dataset");
    }
}
