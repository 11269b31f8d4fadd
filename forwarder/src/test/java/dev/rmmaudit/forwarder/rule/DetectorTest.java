package dev.rmmaudit.forwarder.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The views the detector builds hold only the fields that are read, and answer as whole views would. */
class DetectorTest {
    private static final Path SAMPLES = Path.of("..", "samples", "rules");

    private static String describe(List<Alert> alerts) {
        return alerts.stream().map(a -> a.rule().id() + " " + a.group() + " " + a.eventIds() + " " + a.count())
                .toList().toString();
    }

    @Test
    void evaluate_builtInRulesOnEveryAttackSample_partViewsGiveTheSameAlertsAndNeverNeedTheWhole() throws Exception {
        List<Rule> rules = RuleTesting.builtIns();
        Detector onWhole = RuleTesting.detector(rules);
        Detector onPart = RuleTesting.detector(rules);
        List<Path> samples;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            samples = files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
        }
        int alerts = 0;
        for (Path sample : samples) {
            for (EventView whole : RuleTesting.read(sample)) {
                Map<String, List<String>> some = new LinkedHashMap<>(whole.fields());
                some.keySet().retainAll(onPart.fields());
                EventView part = EventView.of(some, onPart.fields(), whole::fields, whole.time());
                List<Alert> expected = onWhole.evaluate(whole);
                assertEquals(describe(expected), describe(onPart.evaluate(part)), sample.getFileName().toString());
                assertFalse(part.builtWhole(), "a built-in rule read a field the detector did not list: " + sample);
                alerts += expected.size();
            }
        }
        assertTrue(alerts >= samples.size() - 1, "the samples fire rules: " + alerts);
    }

    @Test
    void detect_mappedEvents_firesAsOnTheWholeDocument_withoutBuildingIt() {
        List<Rule> rules = RuleTesting.builtIns();
        Detector detector = RuleTesting.detector(rules);
        Detector twin = RuleTesting.detector(rules);
        EcsJsonEncoder ecs = new EcsJsonEncoder();
        Instant t = Instant.parse("2026-11-19T11:00:00Z");
        List<SecurityEvent> events = new ArrayList<>();
        events.add(SecurityEvent.builder().id("g1").time(t).module("automate").dataset("automate.users")
                .action("user-superadmin-granted").category("iam").actor("root").targetUserName("carol")
                .targetUserId("4").targetGroups(List.of("Helpdesk")).superAdmin(false, true)
                .attribute("class.name", "Helpdesk").build());
        for (int i = 0; i < 6; i++) {
            events.add(SecurityEvent.builder().id("f" + i).time(t.plusSeconds(i)).module("automate")
                    .dataset("automate.logins").action("user-login-failed").category("authentication")
                    .outcome(SecurityEvent.Outcome.FAILURE).targetUserName("dave").sourceAddress("192.0.2.9")
                    .build());
        }
        List<String> fired = new ArrayList<>();
        for (SecurityEvent e : events) {
            List<SecurityEvent> alerts = detector.detect(e);
            List<SecurityEvent> expected = new ArrayList<>();
            for (Alert a : twin.evaluate(EventView.of(ecs.flat(e), e.time()))) {
                expected.add(Detector.toEvent(a));
            }
            assertEquals(expected, alerts, e.id());
            alerts.forEach(a -> fired.add(a.ruleId()));
        }
        assertTrue(fired.size() >= 2, "a detection and a correlation fire: " + fired);
        assertEquals(0, detector.wholeViews());
    }
}
