package dev.rmmaudit.forwarder.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The SIEM artefacts in packaging/ are valid files and agree with each other. */
class PackagingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PACKAGING = Path.of("..", "packaging");

    @Test
    void splunkApp_everyConfValid_dashboardXmlParses_macroDefined() throws Exception {
        Path app = PACKAGING.resolve("splunk/rmm_audit");
        try (Stream<Path> files = Files.walk(app)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".meta"))
                    .toList()) {
                SplunkConf.assertValid(Files.readString(f));
            }
        }
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(app.resolve(
                "default/data/ui/views/rmm_audit_overview.xml").toFile());
        assertTrue(Files.readString(app.resolve("default/macros.conf")).contains("[rmm_audit_events]"));
        String props = Files.readString(app.resolve("default/props.conf"));
        for (String transform : List.of("rmm_audit_cef_header", "rmm_audit_cef_extension")) {
            assertTrue(props.contains(transform) && Files.readString(app.resolve("default/transforms.conf"))
                    .contains("[" + transform + "]"), transform);
        }
    }

    @Test
    void splunkCefExtraction_readsTheKeysOurEncoderWrites() throws Exception {
        String transforms = Files.readString(PACKAGING.resolve("splunk/rmm_audit/default/transforms.conf"));
        String regex = transforms.lines().filter(l -> l.startsWith("REGEX = (?:^|"))
                .findFirst().orElseThrow().substring("REGEX = ".length());
        String cef = new dev.rmmaudit.forwarder.encode.CefEncoder("1.0").encode(dev.rmmaudit.forwarder.testing
                .Events.withValue("a=b c"));
        java.util.Map<String, String> kv = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(cef.substring(cef.indexOf(
                "|5|") + 3));
        while (m.find()) {
            kv.put(m.group(1), m.group(2));
        }
        assertEquals("user-renamed", kv.get("act"));
        assertEquals("a\\=b c", kv.get("duser"), "an escaped = stays in the value: " + kv);
    }

    @Test
    void sentinel_tableDcrAndRowsAgreeOnTheColumns_workbookParses() throws Exception {
        JsonNode table = JSON.readTree(PACKAGING.resolve("sentinel/RmmAudit_CL.table.json").toFile());
        JsonNode dcr = JSON.readTree(PACKAGING.resolve("sentinel/rmm-audit.dcr.json").toFile());
        List<String> tableColumns = new java.util.ArrayList<>();
        table.at("/properties/schema/columns").forEach(c -> tableColumns.add(c.path("name").asText()));
        List<String> dcrColumns = new java.util.ArrayList<>();
        dcr.at("/properties/streamDeclarations/Custom-RmmAudit/columns").forEach(c -> dcrColumns.add(c.path("name")
                .asText()));
        assertEquals(tableColumns, dcrColumns);
        JsonNode row = dev.rmmaudit.forwarder.sink.sentinel.SentinelSink.row(dev.rmmaudit.forwarder.testing.Events
                .withValue("x").withSeal(new dev.rmmaudit.forwarder.event.SecurityEvent.Seal("k", "s", 1, 1, "0", "1")));
        row.fieldNames().forEachRemaining(n -> assertTrue(tableColumns.contains(n), "the sink writes " + n
                + ", which the table lacks"));
        JsonNode workbook = JSON.readTree(PACKAGING.resolve("sentinel/rmm-audit.workbook.json").toFile());
        assertEquals("Notebook/1.0", workbook.path("version").asText());
        String parser = Files.readString(PACKAGING.resolve("sentinel/RmmAuditEvents.parser.kql"));
        assertTrue(parser.contains("RmmAudit_CL") && parser.contains("CommonSecurityLog"));
    }

    @Test
    void elasticTemplates_sameFieldsForBothEngines_andEveryFieldTheEncoderWrites() throws Exception {
        JsonNode es = JSON.readTree(PACKAGING.resolve("elastic/index-template.elasticsearch.json").toFile());
        JsonNode os = JSON.readTree(PACKAGING.resolve("elastic/index-template.opensearch.json").toFile());
        JsonNode esProps = es.at("/template/mappings/properties");
        JsonNode osProps = os.at("/template/mappings/properties");
        List<String> esNames = new java.util.ArrayList<>();
        esProps.fieldNames().forEachRemaining(esNames::add);
        List<String> osNames = new java.util.ArrayList<>();
        osProps.fieldNames().forEachRemaining(osNames::add);
        assertEquals(esNames, osNames);
        assertEquals("flattened", esProps.path("automate").path("type").asText());
        assertEquals("flat_object", osProps.path("automate").path("type").asText());
        JSON.readTree(PACKAGING.resolve("elastic/ilm-policy.elasticsearch.json").toFile());
        JSON.readTree(PACKAGING.resolve("elastic/ism-policy.opensearch.json").toFile());
        // every field the encoder writes for a sealed alert is in the template
        var encoder = new dev.rmmaudit.forwarder.encode.EcsJsonEncoder();
        var e = dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("1").time(java.time.Instant.EPOCH)
                .module("automate").dataset("automate.users").action("a").category("iam").types(List.of("user"))
                .actor("x").targetUserId("1").targetUserName("y").targetUserEmail("e").targetGroups(List.of("g"))
                .sourceAddress("192.0.2.1").message("m").alert("r", "R", List.of("2")).build()
                .withSeal(new dev.rmmaudit.forwarder.event.SecurityEvent.Seal("k", "s", 1, 1, "0", "1"));
        for (String field : encoder.flat(e).keySet()) {
            JsonNode at = esProps;
            String[] parts = field.split("\\.");
            for (int i = 0; i < parts.length && !at.path("type").asText().equals("flattened"); i++) {
                at = at.path(parts[i]);
                if (!at.path("type").asText().equals("flattened") && i < parts.length - 1) {
                    at = at.path("properties");
                }
            }
            assertTrue(!at.isMissingNode(), field + " is not in the template");
        }
    }
}
