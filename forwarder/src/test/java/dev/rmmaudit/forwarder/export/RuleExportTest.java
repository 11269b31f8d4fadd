package dev.rmmaudit.forwarder.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleLoader;
import dev.rmmaudit.forwarder.rule.RuleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported detections: the files shipped in packaging/ are what the export writes (golden), Splunk's conf and
 * Sentinel's ARM are well-formed, and single rules translate as their field mapping says.
 */
class RuleExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PACKAGING = Path.of("..", "packaging");

    @TempDir
    Path dir;

    private static List<Rule> builtIn() {
        Problems p = new Problems();
        List<Rule> rules = RuleSet.load(RulesConfig.DEFAULT, p);
        p.throwIfAny();
        return rules;
    }

    private static Rule rule(String text) {
        Problems p = new Problems();
        List<Rule> all = new java.util.ArrayList<>(RuleLoader.parse("test.yml", text, p));
        p.throwIfAny();
        return all.get(0);
    }

    @Test
    void write_splunk_isTheShippedSavedSearchesAndValidConf() throws Exception {
        var result = new RuleExport(builtIn()).write("splunk", dir);
        String conf = Files.readString(result.files().get(0));
        assertEquals(Files.readString(PACKAGING.resolve("splunk/rmm_audit/default/savedsearches.conf")), conf,
                "packaging/splunk is regenerated with `forwarder rules export --target splunk`");
        SplunkConf.assertValid(conf);
        assertTrue(conf.contains("[rmm-audit - Burst of failed logins from one source address]"));
        assertFalse(conf.contains("[rmm-audit - Failed login]"), "a rule that only feeds a correlation");
        assertTrue(conf.contains("| join type=inner user.target.name [search `rmm_audit_events` (event.category=\""
                + "authentication\" AND event.outcome=\"success\") | stats max(_time) as then_time by user.target.name]"
                + " | where then_time > first_time AND then_time - first_time <= 600"), "the temporal correlation");
        assertEquals(4, result.skipped().size(), "only the rules on fields the forwarder derives: " + result.skipped());
    }

    @Test
    void write_sentinel_isTheShippedArmWithAQueryPerRule() throws Exception {
        var result = new RuleExport(builtIn()).write("sentinel", dir);
        for (Path f : result.files()) {
            String text = Files.readString(f);
            assertEquals(Files.readString(PACKAGING.resolve("sentinel").resolve(f.getFileName())), text,
                    "packaging/sentinel is regenerated with `forwarder rules export --target sentinel`");
            JsonNode arm = JSON.readTree(text);
            assertTrue(arm.path("resources").size() >= 20, f.toString());
            for (JsonNode r : arm.path("resources")) {
                String kql = r.path("properties").path("query").asText();
                assertEquals("Scheduled", r.path("kind").asText());
                assertTrue(balanced(kql), kql);
                assertTrue(r.path("properties").path("queryFrequency").asText().startsWith("PT"));
            }
        }
    }

    @Test
    void write_elastic_oneSearchPerExpressibleRuleAndTheOthersWithAReason() throws Exception {
        var result = new RuleExport(builtIn()).write("elastic", dir);
        assertEquals(22, result.files().size());
        assertEquals(List.of("login_new_source_address", "login_outside_working_hours",
                "login_success_after_failures", "screenconnect_user_created_without_admin_login",
                "screenconnect_user_file_changed_without_admin_login"), result.skipped().stream()
                .map(s -> s.rule().name()).sorted().toList());
        JsonNode burst = JSON.readTree(dir.resolve("elastic/failed_login_burst_source.json").toFile());
        assertEquals("source.ip", burst.at("/search/aggs/groups/terms/field").asText());
        assertEquals("params.n >= 5", burst.at("/search/aggs/groups/aggs/over_threshold/bucket_selector/script")
                .asText());
    }

    @Test
    void write_sigma_theRuleFilesAsTheyAreAndThePipeline() throws Exception {
        var result = new RuleExport(builtIn()).write("sigma", dir);
        assertEquals(Files.readString(Path.of("..", "rules", "password-spraying.yml")), Files.readString(dir.resolve(
                "sigma/password-spraying.yml")));
        assertTrue(Files.exists(dir.resolve("sigma/pipeline-rmm-audit.yml")));
        assertEquals(Files.list(Path.of("..", "rules")).count() + 1, result.files().size());
    }

    private static final String HOSTILE = """
            title: Hostile values
            id: 11111111-2222-3333-4444-555555555555
            name: hostile
            logsource: {product: automate}
            detection:
              quoted:
                user.target.name: 'a"b\\c'
              wild:
                message|contains: 'x*y'
              absent:
                source.ip: null
              condition: quoted and not wild and absent
            level: high
            """;

    @Test
    void splunkSearch_quotesAndWildcardsAndAbsentFields_areEscaped() {
        String spl = new RuleExport(List.of()).splunkSearch(rule(HOSTILE));
        assertEquals("`rmm_audit_events` (event.module=\"automate\" AND ((user.target.name=\"a\\\"b\\\\c\" AND NOT "
                + "message=\"*x*y*\") AND NOT source.ip=*))", spl);
    }

    @Test
    void kql_customTableAndCommonSecurityLog_mapFieldsToTheirColumns() {
        RuleExport e = new RuleExport(List.of());
        String custom = e.kql(rule(HOSTILE), KqlQuery.Table.RMM_AUDIT_CL);
        assertTrue(custom.contains("Module =~ \"automate\""), custom);
        // a backslash is a Sigma escape character, so the value is a pattern; it matches the literal a"b\c
        assertTrue(custom.contains("TargetUser matches regex \"(?is)^a\\\"b\\\\\\\\c$\""), custom);
        assertTrue(custom.contains("not(Message matches regex \"(?is)^.*x.*y.*$\")"), custom);
        assertTrue(custom.contains("isempty(SourceIp)"), custom);
        String cef = e.kql(rule(HOSTILE), KqlQuery.Table.COMMON_SECURITY_LOG);
        assertTrue(cef.startsWith("CommonSecurityLog\n| where DeviceVendor == \"ConnectWise\""), cef);
        assertTrue(cef.contains("DeviceProduct =~ \"Automate\""), cef);
        assertTrue(cef.contains("DestinationUserName matches regex"), cef);
        String attr = e.kql(rule("""
                title: An attribute
                id: 11111111-2222-3333-4444-555555555556
                detection:
                  s:
                    automate.changes.Email.to|endswith: '@evil.example'
                    automate.permissions.gained: WebAccess
                  condition: s
                level: low
                """), KqlQuery.Table.RMM_AUDIT_CL);
        assertTrue(attr.contains("tostring(Changes[\"Email\"][\"to\"]) endswith \"@evil.example\""), attr);
        assertTrue(attr.contains("tostring(Attributes[\"permissions.gained\"]) =~ \"WebAccess\""), attr);
    }

    /** Parentheses and string literals balance: the query is at least well-formed text. */
    private static boolean balanced(String kql) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < kql.length(); i++) {
            char c = kql.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            }
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0 && !inString;
    }
}
