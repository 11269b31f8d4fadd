package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every built-in rule fires on its attack sample, and a benign working day fires nothing. */
class BuiltInRulesTest {
    private static final Path SAMPLES = Path.of("..", "samples", "rules");

    @TestFactory
    Stream<DynamicTest> attackSample_firesItsRule() {
        List<Rule> rules = RuleTesting.builtIns();
        return rules.stream()
                .filter(r -> Files.exists(SAMPLES.resolve(r.name() + ".attack.jsonl")))
                .map(r -> DynamicTest.dynamicTest(r.name(), () -> {
                    List<Alert> alerts = RuleTesting.run(RuleTesting.detector(rules),
                            RuleTesting.read(SAMPLES.resolve(r.name() + ".attack.jsonl")));
                    assertTrue(alerts.stream().anyMatch(a -> a.rule().id().equals(r.id())),
                            r.name() + " did not fire; fired: " + alerts.stream().map(a -> a.rule().name()).toList());
                }));
    }

    @Test
    void everyAlertingRule_hasAnAttackSample() {
        for (Rule r : RuleTesting.builtIns()) {
            boolean quiet = RuleTesting.builtIns().stream().anyMatch(c -> c.isCorrelation()
                    && !c.correlation().generate() && !r.isCorrelation()
                    && (c.correlation().rules().contains(r.name()) || c.correlation().rules().contains(r.id())));
            if (!quiet) {
                assertTrue(Files.exists(SAMPLES.resolve(r.name() + ".attack.jsonl")), "no attack sample for "
                        + r.name() + " (" + r.source() + ")");
            }
        }
    }

    @Test
    void benignDay_firesNothing() throws Exception {
        List<Alert> alerts = RuleTesting.run(RuleTesting.detector(RuleTesting.builtIns()),
                RuleTesting.read(SAMPLES.resolve("benign-day.jsonl")));
        assertEquals(List.of(), alerts.stream().map(a -> a.rule().name() + " at " + a.time()).toList());
    }

    @Test
    void burstSample_firesOncePerGroupNotPerEvent() throws Exception {
        List<Rule> rules = RuleTesting.builtIns();
        List<EventView> burst = RuleTesting.read(SAMPLES.resolve("failed_login_burst_user.attack.jsonl"));
        List<EventView> twice = new java.util.ArrayList<>(burst);
        twice.addAll(burst);
        List<Alert> alerts = RuleTesting.run(RuleTesting.detector(rules), twice);
        assertEquals(1, alerts.stream().filter(a -> a.rule().name().equals("failed_login_burst_user")).count(),
                "de-duplicated within the timespan");
        Alert a = alerts.stream().filter(x -> x.rule().name().equals("failed_login_burst_user")).findFirst().get();
        assertEquals(java.util.Map.of("user.target.name", "bob"), a.group());
        assertEquals(5, a.eventIds().size());
    }
}
