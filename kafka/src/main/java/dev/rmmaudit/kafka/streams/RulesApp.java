package dev.rmmaudit.kafka.streams;

import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.RuleLoader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's alert rules as a Kafka Streams application: reads the change records the Connect transform
 * writes, writes each event alone to the events topic (for SIEM sink connectors) and each alert to the alerts
 * topic, exactly once. {@code java -jar rmm-audit-rules.jar streams.properties}; besides Kafka Streams' own
 * settings the file may set {@code rmm.topic.changes}, {@code rmm.topic.events}, {@code rmm.topic.alerts},
 * {@code rmm.rules.dir} and {@code rmm.rules.maxGroups} (docs/kafka.md).
 */
public final class RulesApp {
    private static final Logger LOG = LoggerFactory.getLogger(RulesApp.class);

    private RulesApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar rmm-audit-rules.jar streams.properties");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        } catch (IOException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(2);
        }
        KafkaStreams streams = start(p);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** Builds the topology for these settings and starts it. */
    public static KafkaStreams start(Properties settings) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rmm-audit-rules");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.putAll(settings);
        List<Rule> rules = rules(p.getProperty("rmm.rules.dir"));
        int maxGroups = Integer.parseInt(p.getProperty("rmm.rules.maxGroups", "10000"));
        Topology t = topology(rules, maxGroups, p.getProperty("rmm.topic.changes", "rmm-audit.changes"),
                p.getProperty("rmm.topic.events", "rmm-audit.events"),
                p.getProperty("rmm.topic.alerts", "rmm-audit.alerts"));
        p.stringPropertyNames().stream().filter(k -> k.startsWith("rmm.")).toList().forEach(p::remove);
        KafkaStreams streams = new KafkaStreams(t, p);
        streams.start();
        LOG.info("{} alert rules over {}", rules.size(), p.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        return streams;
    }

    /** The shipped rules plus those of {@code dir} (may be null), without the rules on the forwarder's own fields. */
    static List<Rule> rules(String dir) {
        Problems problems = new Problems();
        List<Rule> rules = RuleLoader.load(dir == null || dir.isBlank() ? null : Path.of(dir), problems).stream()
                // the forwarder derives these fields from state of its own install (login addresses seen, ...)
                .filter(r -> r.fields().stream().noneMatch(f -> f.startsWith("forwarder.")))
                .toList();
        problems.throwIfAny();
        return rules;
    }

    static Topology topology(List<Rule> rules, int maxGroups, String changes, String events, String alerts) {
        Topology t = new Topology();
        t.addSource("changes", Serdes.String().deserializer(), Serdes.String().deserializer(), changes);
        t.addProcessor("rules", () -> new RulesProcessor(rules, maxGroups), "changes");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RulesProcessor.STORE),
                Serdes.String(), Serdes.String()), "rules");
        t.addSink(RulesProcessor.EVENTS, events, Serdes.String().serializer(), Serdes.String().serializer(), "rules");
        t.addSink(RulesProcessor.ALERTS, alerts, Serdes.String().serializer(), Serdes.String().serializer(), "rules");
        return t;
    }
}
