package dev.rmmaudit.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules topology on Kafka Streams' test driver: splitting, alerting, and the connector's replays. */
class RulesProcessorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rules-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        return new TopologyTestDriver(RulesApp.topology(RulesApp.rules(null), 1000, "changes", "events", "alerts"), p);
    }

    private static TestInputTopic<String, String> changes(TopologyTestDriver d) {
        return d.createInputTopic("changes", Serdes.String().serializer(), Serdes.String().serializer());
    }

    private static TestOutputTopic<String, String> output(TopologyTestDriver d, String topic) {
        return d.createOutputTopic(topic, Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    /** A failed Automate login of bob from one address, as the transform writes it (ECS). */
    private static String failure(int i) {
        return """
                {"@timestamp":"%s","event":{"id":"fail-%d","module":"automate","dataset":"automate.loginfailures",
                 "category":["authentication"],"type":["start"],"outcome":"failure","action":"login-failed"},
                 "user":{"target":{"name":"bob"}},"source":{"ip":"203.0.113.9"},"message":"failed login"}"""
                .formatted(T0.plusSeconds(i), i);
    }

    private static List<String> keys(TestOutputTopic<String, String> topic) {
        return topic.readKeyValuesToList().stream().map(kv -> kv.key).toList();
    }

    private static List<String> actions(TestOutputTopic<String, String> topic) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (String v : topic.readValuesToList()) {
            out.add(JSON.readTree(v).at("/event/action").asText());
        }
        return out;
    }

    @Test
    void process_changeWithTwoEvents_writesEachAlone() throws Exception {
        try (TopologyTestDriver d = driver()) {
            TestInputTopic<String, String> in = changes(d);
            TestOutputTopic<String, String> events = output(d, "events");

            in.pipeInput("srv", "[" + failure(1) + "," + failure(2) + "]");

            assertEquals(List.of("fail-1", "fail-2"), keys(events));
        }
    }

    @Test
    void process_fiveFailuresEachSentTwice_eventsOnceAndOneBurstAlertEach() throws Exception {
        try (TopologyTestDriver d = driver()) {
            TestInputTopic<String, String> in = changes(d);
            TestOutputTopic<String, String> events = output(d, "events");
            TestOutputTopic<String, String> alerts = output(d, "alerts");

            for (int i = 1; i <= 4; i++) {
                in.pipeInput("srv", "[" + failure(i) + "]");
                in.pipeInput("srv", "[" + failure(i) + "]"); // the connector's replay after a restart
            }
            assertTrue(alerts.isEmpty(), "eight records of four failures counted as five or more");
            in.pipeInput("srv", "[" + failure(5) + "]");
            in.pipeInput("srv", "[" + failure(5) + "]");

            assertEquals(5, events.readValuesToList().size(), "replays forwarded");
            List<String> raised = actions(alerts);
            assertEquals(List.of("failed_login_burst_user", "failed_login_burst_source"), raised.stream().sorted(
                    java.util.Comparator.reverseOrder()).toList(), "a replay counted twice raises the burst early");
        }
    }

    @Test
    void process_fourFailures_noAlert() throws Exception {
        try (TopologyTestDriver d = driver()) {
            TestInputTopic<String, String> in = changes(d);
            TestOutputTopic<String, String> alerts = output(d, "alerts");

            for (int i = 1; i <= 4; i++) {
                in.pipeInput("srv", "[" + failure(i) + "]");
            }

            assertTrue(alerts.isEmpty());
        }
    }

    @Test
    void process_valueNotAnArrayOfEvents_skippedAndTheNextStillAlerts() throws Exception {
        try (TopologyTestDriver d = driver()) {
            TestInputTopic<String, String> in = changes(d);
            TestOutputTopic<String, String> events = output(d, "events");

            in.pipeInput("srv", "CEF:0|ConnectWise|Automate|1|x|y|5|");
            in.pipeInput("srv", "{\"not\":\"an array\"}");
            in.pipeInput("srv", "[" + failure(1) + "]");

            assertEquals(List.of("fail-1"), keys(events));
        }
    }
}
