package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.ElasticsearchSinkConfig;
import dev.rmmaudit.forwarder.config.RulesConfig;
import dev.rmmaudit.forwarder.config.Secret;
import dev.rmmaudit.forwarder.demo.SqlScript;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.Sink;
import dev.rmmaudit.forwarder.sink.Sinks;
import dev.rmmaudit.forwarder.testing.Events;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import dev.rmmaudit.forwarder.testing.HttpSettingsForTests;
import dev.rmmaudit.forwarder.testing.SearchNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents in a real search engine: an OpenSearch 2.19 node (started once for the class) with the shipped
 * index template, fed by the elasticsearch sink into a data stream, from the binlog (the demo story, its alerts,
 * heartbeats, every event sealed) and with hostile events. Read back by search: each event once, every field with
 * the type the template gives it, nothing mapped dynamically, nothing refused.
 */
class OpenSearchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "logs-rmm_audit-default";
    private static final String HOSTILE = "logs-rmm_audit-hostile";
    private static SearchNode node;

    @TempDir
    static Path home;
    @TempDir
    Path dir;

    @BeforeAll
    static void startNode() throws Exception {
        node = SearchNode.start(home.resolve("node"));
        String template = Files.readString(Path.of("..", "packaging", "elastic", "index-template.opensearch.json"));
        var r = node.request("PUT", "/_index_template/rmm-audit", template);
        assertEquals(200, r.statusCode(), r.body());
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private ElasticsearchSinkConfig sink(String name) {
        return new ElasticsearchSinkConfig(name, "json", node.url(), name.equals("hostile") ? HOSTILE : STREAM,
                new Secret("unused"), null, Secret.NONE,
                HttpSettingsForTests.of(dir.resolve("dead-" + name + ".jsonl"), 500, false, 0));
    }

    private static JsonNode search(String query) throws Exception {
        node.request("POST", "/" + STREAM + "/_refresh", null);
        var r = node.request("POST", "/" + STREAM + "/_search", query);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static long count(String query) throws Exception {
        return count(STREAM, query);
    }

    private static long count(String stream, String query) throws Exception {
        node.request("POST", "/" + stream + "/_refresh", null);
        var r = node.request("POST", "/" + stream + "/_search", query);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("hits").path("total").path("value").asLong();
    }

    @Test
    void story_everyEventIndexedOnceWithTheTemplatesTypes() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir).select("all").rules(RulesConfig.DEFAULT)
                .heartbeat(Duration.ofSeconds(1)).sinks(List.of(sink("opensearch")))) {
            f.startForwarder();
            for (SqlScript.Step step : SqlScript.resource("samples/automate/story.sql").steps()) {
                SqlScript.run(f.root, step);
            }
            List<String> syslog = f.receiver.await(18, Duration.ofSeconds(30));
            Thread.sleep(2500); // heartbeats, and the last bulk request
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && count("{\"query\":{\"term\":{\"event.module\":\"automate\"}}}")
                    < syslog.size()) {
                Thread.sleep(200);
            }
            JsonNode hits = search("{\"size\":1000,\"query\":{\"match_all\":{}}}").path("hits").path("hits");
            Map<String, Integer> ids = new HashMap<>();
            hits.forEach(h -> ids.merge(h.path("_source").path("event").path("id").asText(), 1, Integer::sum));
            assertTrue(ids.values().stream().allMatch(n -> n == 1), "each event once: " + ids);
            assertTrue(ids.size() >= syslog.size() + 2, "the story, its alerts, the chain start, heartbeats: "
                    + ids.size() + " documents for " + syslog.size() + " syslog messages");
            assertEquals(1, count("{\"query\":{\"term\":{\"event.action\":\"forwarder-started\"}}}"));
            assertTrue(count("{\"query\":{\"term\":{\"event.action\":\"forwarder-heartbeat\"}}}") >= 1);
            assertTrue(count("{\"query\":{\"term\":{\"event.kind\":\"alert\"}}}") >= 8, "the story's alerts");
            // the types the template gives: numbers range, module objects searchable by their dotted paths
            // (heartbeats keep coming: every document found above must be among those the range finds now)
            Set<String> sequenced = new HashSet<>();
            search("{\"size\":1000,\"query\":{\"range\":{\"event.sequence\":{\"gte\":1}}}}").path("hits")
                    .path("hits").forEach(h -> sequenced.add(h.path("_source").path("event").path("id").asText()));
            assertTrue(sequenced.containsAll(ids.keySet()), "documents without a numeric event.sequence");
            assertTrue(count("{\"query\":{\"range\":{\"event.severity\":{\"gte\":8}}}}") >= 3);
            assertTrue(count("{\"query\":{\"term\":{\"automate.super_admin.after\":\"true\"}}}") >= 3,
                    "SuperAdmin grants through the module's flat object");
            assertTrue(count("{\"query\":{\"term\":{\"forwarder.sink.opensearch.backlog\":\"0\"}}}") >= 1,
                    "the heartbeat's facts");
            assertNoDynamicFields();
            assertEquals(List.of(), deadLetters("opensearch"), "nothing refused");
        }
    }

    @Test
    void hostileEvents_areIndexedNotRefused() throws Exception {
        List<SecurityEvent> events = new ArrayList<>();
        Instant t = Instant.parse("2026-12-05T10:00:00Z");
        events.add(Events.withValue("x\" \\ \u0000 \u00e9 \uD83D\uDE00 <script>"));
        // an attribute that is a value in one event and an object in another: refused for good by a dynamic mapping
        events.add(SecurityEvent.builder().id("h1").time(t).module("automate").action("a").attribute("class", "Admins")
                .sourceAddress("localhost").build());
        events.add(SecurityEvent.builder().id("h2").time(t).module("automate").action("a").attribute("class.id", "7")
                .sourceAddress("2001:db8::1").build());
        events.add(SecurityEvent.builder().id("h3").time(t).module("mymodule").action("custom").attribute("n", "1")
                .sourceAddress("192.0.2.10").severity(10).build());
        events.add(SecurityEvent.builder().id("h4").time(t).action("no-module").alert("r", "R", List.of("h1"))
                .build());
        // the longest value the mappings let through, in three-byte characters: 24,000 bytes, under Lucene's limit
        events.add(SecurityEvent.builder().id("h5").time(t).module("automate").action("a").change("Email",
                new SecurityEvent.Change(null, "\u20ac".repeat(dev.rmmaudit.forwarder.mapping.TableMapping.MAX_CHARS)))
                .build());
        Sink s = Sinks.create(sink("hostile"));
        try {
            s.deliver(events);
        } finally {
            s.close();
        }
        assertEquals(List.of(), deadLetters("hostile"), "nothing refused");
        assertEquals(1, count(HOSTILE, "{\"query\":{\"ids\":{\"values\":[\"h1\"]}}}"));
        assertEquals(1, count(HOSTILE, "{\"query\":{\"term\":{\"automate.class.id\":\"7\"}}}"));
        assertEquals(1, count(HOSTILE, "{\"query\":{\"term\":{\"source.ip\":\"192.0.2.0/24\"}}}"), "IPv4 as an ip");
        assertEquals(1, count(HOSTILE, "{\"query\":{\"term\":{\"source.ip\":\"2001:db8::/32\"}}}"), "IPv6 as an ip");
        assertEquals(1, count(HOSTILE, "{\"query\":{\"ids\":{\"values\":[\"h3\"]}}}"), "an unknown module: kept, unindexed");
        assertNoDynamicFields();
    }

    @Test
    void exportedDetections_eachFindsItsAttackAndNothingInTheBenignDay() throws Exception {
        Path out = dir.resolve("detections");
        var result = new dev.rmmaudit.forwarder.export.RuleExport(dev.rmmaudit.forwarder.rule.RuleSet.load(
                RulesConfig.DEFAULT, new dev.rmmaudit.forwarder.config.Problems())).write("elastic", out);
        Path samples = Path.of("..", "samples", "rules");
        load("benign", samples.resolve("benign-day.jsonl"));
        List<String> checked = new ArrayList<>();
        for (Path f : result.files()) {
            JsonNode rule = JSON.readTree(f.toFile());
            String name = rule.path("name").asText();
            Path attack = samples.resolve(name + ".attack.jsonl");
            assertTrue(Files.exists(attack), "every exported rule has its attack sample: " + attack);
            load("attack_" + name, attack);
            long window = java.time.Duration.parse("PT" + rule.path("schedule").path("lookback").asText()
                    .toUpperCase(java.util.Locale.ROOT)).toMillis();
            assertTrue(fires(rule, "attack_" + name, times(attack), window), name + " finds its attack");
            assertTrue(!fires(rule, "benign", times(samples.resolve("benign-day.jsonl")), window),
                    name + " fires in the benign day");
            checked.add(name);
        }
        assertTrue(checked.size() >= 20, "detections checked: " + checked);
        System.err.println("[OpenSearchIT] " + checked.size() + " exported detections proven; left out: "
                + result.skipped().stream().map(s -> s.rule().name()).toList());
    }

    /** Indexes an ECS JSON lines file into its own data stream. */
    private static void load(String stream, Path file) throws Exception {
        StringBuilder bulk = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                bulk.append("{\"create\":{}}\n").append(line).append('\n');
            }
        }
        var r = node.request("POST", "/logs-rmm_audit-" + stream + "/_bulk?refresh=true", bulk.toString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(!JSON.readTree(r.body()).path("errors").asBoolean(), r.body());
    }

    /** The @timestamp of each event of a samples file. */
    private static List<Long> times(Path file) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(Instant.parse(JSON.readTree(line).path("@timestamp").asText()).toEpochMilli());
            }
        }
        return out;
    }

    /**
     * Whether the detection alerts in some run over {@code stream}. It runs every window over the last window;
     * a run that alerts has a first matching event, and the window starting at that event holds all the matches
     * the run held from it on, so trying the window that starts at each event is trying every run (the relative
     * "now-" range made absolute).
     */
    private static boolean fires(JsonNode rule, String stream, List<Long> times, long window) throws Exception {
        for (long start : times) {
            String body = rule.path("search").toString().replace("\"now-" + rule.path("schedule").path("lookback")
                    .asText() + "\"", "\"" + Instant.ofEpochMilli(start) + "\",\"lte\":\""
                    + Instant.ofEpochMilli(start + window) + "\"");
            var r = node.request("POST", "/logs-rmm_audit-" + stream + "/_search", body);
            assertEquals(200, r.statusCode(), rule.path("name").asText() + ": " + r.body());
            JsonNode answer = JSON.readTree(r.body());
            boolean hit = answer.path("aggregations").has("groups")
                    ? answer.path("aggregations").path("groups").path("buckets").size() > 0
                    : answer.path("hits").path("total").path("value").asLong() > 0;
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /** The backing indices hold exactly the template's fields: nothing was mapped by guessing. */
    private static void assertNoDynamicFields() throws Exception {
        JsonNode template = JSON.readTree(Files.readString(Path.of("..", "packaging", "elastic",
                "index-template.opensearch.json"))).path("template").path("mappings").path("properties");
        var r = node.request("GET", "/logs-rmm_audit-*/_mapping", null);
        JsonNode indices = JSON.readTree(r.body());
        indices.fields().forEachRemaining(i -> {
            JsonNode props = i.getValue().path("mappings").path("properties");
            List<String> extra = new ArrayList<>();
            props.fieldNames().forEachRemaining(n -> {
                if (!template.has(n)) {
                    extra.add(n);
                }
            });
            assertEquals(List.of(), extra, "fields mapped beyond the template in " + i.getKey());
            assertEquals(template.path("event"), props.path("event"), "event.* as the template says");
            assertEquals("ip", props.path("source").path("properties").path("ip").path("type").asText());
        });
    }

    private List<String> deadLetters(String sink) throws Exception {
        Path f = dir.resolve("dead-" + sink + ".jsonl");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }
}
