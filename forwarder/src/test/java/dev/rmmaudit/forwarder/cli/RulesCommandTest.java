package dev.rmmaudit.forwarder.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.rmmaudit.forwarder.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {
    @TempDir
    Path dir;

    private static String run(int expectedExit, String... args) {
        return CliRun.run(expectedExit, args);
    }

    @Test
    void export_eachTarget_writesItsFilesAndNamesWhatItLeftOut() throws Exception {
        for (String target : java.util.List.of("splunk", "sentinel", "elastic", "sigma")) {
            String out = CliRun.run(0, "rules", "export", "--target", target, "--out", dir.toString());
            assertTrue(out.contains("wrote " + dir.resolve(target)), out);
            assertTrue(target.equals("sigma") || out.contains("left out login_new_source_address: reads "
                    + "forwarder.new_source_for_user"), out);
        }
        assertTrue(Files.exists(dir.resolve("splunk/savedsearches.conf")));
    }

    @Test
    void export_unknownTarget_isRefusedWithTheChoices() {
        String out = CliRun.run(2, "rules", "export", "--target", "qradar", "--out", dir.toString());
        assertTrue(out.contains("--target must be one of [splunk, sentinel, elastic, sigma], not qradar"), out);
    }

    @Test
    void test_sprayingSample_printsTheRuleItFires() {
        String out = run(0, "rules", "test", "--events", "../samples/rules/password_spraying.attack.jsonl");
        assertTrue(out.contains("password_spraying.attack.jsonl:5"), out);
        assertTrue(out.contains("fires password_spraying \"Password spraying from one source address\" (high) "
                + "group {source.ip=198.51.100.50}, 5 events"), out);
        // five failures from one address are also a burst from that address
        assertTrue(out.contains("5 events, 32 rules, 2 alerts"), out);
    }

    @Test
    void test_withConfigOverride_usesTheNewThreshold() throws Exception {
        Path cfg = dir.resolve("f.yml");
        Files.writeString(cfg, """
                source: {type: automate, host: db, user: f}
                sinks: [{type: stdout}]
                rules:
                  overrides:
                    password_spraying: {threshold: 6}
                """);
        String out = run(0, "rules", "test", "--config", cfg.toString(), "--events",
                "../samples/rules/password_spraying.attack.jsonl");
        assertTrue(out.contains("1 alerts"), out);
        assertTrue(!out.contains("fires password_spraying"), out);
    }

    @Test
    void test_userRuleFolderWithABadRule_exits2WithTheProblem() throws Exception {
        Files.writeString(dir.resolve("bad.yml"), "title: x\nid: y\ndetection:\n  s: {a|fuzzy: b}\n  condition: s\n");
        String out = run(2, "rules", "test", "--rules", dir.toString(), "--events",
                "../samples/rules/benign-day.jsonl");
        assertTrue(out.contains("bad.yml:4 detection.s.a|fuzzy: modifier 'fuzzy' is not supported"), out);
    }

    @Test
    void test_malformedEventLine_namesTheLine() throws Exception {
        Path events = dir.resolve("e.jsonl");
        Files.writeString(events, "{\"event\":{\"action\":\"x\"}}\n{not json\n");
        String out = run(2, "rules", "test", "--events", events.toString());
        assertTrue(out.contains("e.jsonl:2: not a JSON object"), out);
    }
}
