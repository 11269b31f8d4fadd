package dev.rmmaudit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Connect path on the real engine: a KRaft broker, a stock Connect worker with Debezium's connector and our
 * plugin zip unpacked in its plugin.path, reading a real binlog; the rules as the Kafka Streams application.
 * Edits are written throughout; the worker is killed (SIGKILL) mid-stream and started again, the Streams
 * application (its shipped jar) is killed between the failed logins of a burst and started on an empty state
 * directory. In the end every edit is in the
 * events topic, and the SuperAdmin and failed-login alerts are each in the alerts topic exactly once.
 */
class KafkaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVER = "automate-it";
    private static final String CHANGES = "rmm-audit.changes";
    private static final String EVENTS = "rmm-audit.events";
    private static final String ALERTS = "rmm-audit.alerts";

    /** Kept when the test fails: the broker's and the worker's logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void binlogThroughConnectAndStreams_workerAndRulesKilled_losesNothingAndAlertsOnce() throws Exception {
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "connect" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        Path plugins = unzipPlugin(dir.resolve("plugins"));
        Path debezium = Path.of("target", "connect-plugins").toAbsolutePath();
        Path mappings = Path.of(System.getenv().getOrDefault("FORWARDER_REPO_ROOT", ".."), "samples", "mappings")
                .toAbsolutePath().normalize();
        Properties connector = new Properties();
        connector.putAll(Map.ofEntries(
                Map.entry("name", "automate"),
                Map.entry("connector.class", db.flavor().equals("mariadb") ? "io.debezium.connector.mariadb.MariaDbConnector"
                        : "io.debezium.connector.mysql.MySqlConnector"),
                Map.entry("tasks.max", "1"),
                Map.entry("database.hostname", db.host()),
                Map.entry("database.port", Integer.toString(db.port())),
                Map.entry("database.user", user),
                Map.entry("database.password", password),
                Map.entry("database.server.id", Long.toString(TestDatabases.uniqueServerId())),
                Map.entry("database.ssl.mode", db.flavor().equals("mariadb") ? "disable" : "disabled"),
                Map.entry("topic.prefix", SERVER),
                Map.entry("database.include.list", database),
                Map.entry("snapshot.mode", "no_data"),
                Map.entry("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory"),
                Map.entry("schema.history.internal.file.filename", dir.resolve("schema-history.dat").toString()),
                Map.entry("transforms", "audit"),
                Map.entry("transforms.audit.type", "dev.rmmaudit.kafka.connect.SecurityEvents"),
                Map.entry("transforms.audit.server.name", SERVER),
                Map.entry("transforms.audit.mappings.dir", mappings.toString()),
                Map.entry("transforms.audit.database.hostname", db.host()),
                Map.entry("transforms.audit.database.port", Integer.toString(db.port())),
                Map.entry("transforms.audit.database.user", user),
                Map.entry("transforms.audit.database.password", password),
                Map.entry("transforms.audit.database.name", database),
                Map.entry("transforms.audit.database.ssl.mode", "disabled")));

        try (KafkaProcesses.Broker broker = KafkaProcesses.Broker.start(Files.createDirectories(dir.resolve("broker")));
                Connection c = AutomateSample.connect(db, database)) {
            broker.createTopics(2, CHANGES, EVENTS, ALERTS);
            KafkaProcesses.Worker worker = KafkaProcesses.Worker.start(dir, "worker-1", broker.bootstrap(),
                    List.of(debezium, plugins), connector);
            Process streams = null;
            try {
                worker.awaitRunning("automate");
                Statement st = c.createStatement();
                awaitStreaming(broker, st);
                streams = startStreams(broker, "rules-1");

                AtomicInteger written = new AtomicInteger();
                for (int i = 0; i < 40; i++) {
                    edit(st, written);
                }
                st.execute("UPDATE users SET Password = 'HASH-kafka-it' WHERE UserID = 2");
                // the SuperAdmin bit on a class: one alert per member (carol and dave)
                st.execute("UPDATE userclasses SET Permissions = Permissions | 1 WHERE Name = 'Helpdesk'");
                for (int i = 0; i < 40; i++) {
                    edit(st, written);
                }
                worker.kill();
                for (int i = 0; i < 30; i++) {
                    edit(st, written); // while the worker is down
                }
                worker = KafkaProcesses.Worker.start(dir, "worker-2", broker.bootstrap(), List.of(debezium, plugins),
                        connector);
                worker.awaitRunning("automate");
                // three failed logins, the rules killed and started afresh (another state directory: the store is
                // restored from its changelog, as after a rebalance), two more: the burst is seen across the kill
                failedLogins(st, 3);
                awaitEvents(broker, "login", 3);
                streams.destroyForcibly().waitFor();
                streams = startStreams(broker, "rules-2");
                failedLogins(st, 2);
                for (int i = 0; i < 40; i++) {
                    edit(st, written);
                }

                Set<String> expected = new TreeSet<>();
                for (int i = 1; i <= written.get(); i++) {
                    expected.add("k" + i + "@kafka.example");
                }
                Map<String, Integer> alerts = new HashMap<>();
                Set<String> edits = new TreeSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline && !(edits.containsAll(expected) && alerts.keySet().containsAll(
                        Set.of("automate_superadmin_granted", "failed_login_burst_user",
                                "failed_login_burst_source")))) {
                    Thread.sleep(1000);
                    edits = emails(read(broker, EVENTS));
                    alerts = alertCounts(read(broker, ALERTS));
                }
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(edits);
                assertEquals(Set.of(), missing, "edits never in " + EVENTS + " (of " + written + "); logs in " + dir);
                assertEquals(2, alerts.getOrDefault("automate_superadmin_granted", 0), "one per member: " + alerts);
                assertEquals(1, alerts.getOrDefault("failed_login_burst_user", 0), "across the restart: " + alerts);
                assertEquals(1, alerts.getOrDefault("failed_login_burst_source", 0), alerts.toString());
                List<ConsumerRecord<String, String>> events = read(broker, EVENTS);
                Map<String, Integer> ids = new HashMap<>();
                events.forEach(r -> ids.merge(r.key(), 1, Integer::sum));
                assertEquals(Map.of(), ids.entrySet().stream().filter(e -> e.getValue() > 1).collect(
                        java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                        "events the connector sent again after its kill reached the events topic twice");
                assertTrue(events.stream().anyMatch(r -> r.value().contains("user-password-changed")));
                for (String topic : List.of(CHANGES, EVENTS, ALERTS)) {
                    assertFalse(read(broker, topic).stream().anyMatch(r -> r.value().contains("HASH-kafka-it")),
                            "the password hash in " + topic);
                }
                assertTrue(Files.readString(worker.log).contains(plugins.resolve("rmm-audit-connect").toString()),
                        "the transform was not loaded from the worker's plugin.path");
                try (var logs = Files.list(dir)) {
                    for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                        String text = Files.readString(log);
                        assertFalse(text.contains(password) || text.contains("HASH-kafka-it"),
                                "the database password or the written hash in " + log);
                    }
                }
                int inChanges = 0;
                for (ConsumerRecord<String, String> r : read(broker, CHANGES)) {
                    inChanges += JSON.readTree(r.value()).size();
                }
                System.err.printf("[KafkaIT] %d edits, %d events (%d in change records: the connector's replays after"
                        + " its kill passed over), alerts %s%n", written.get(), events.size(), inChanges, alerts);
            } finally {
                if (streams != null) {
                    streams.destroy();
                    streams.waitFor();
                }
                worker.close();
            }
        }
    }

    private static void edit(Statement st, AtomicInteger written) throws Exception {
        int i = written.incrementAndGet();
        st.execute("UPDATE users SET Email = 'k" + i + "@kafka.example' WHERE UserID = " + (1 + i % 6));
        Thread.sleep(20);
    }

    private static void failedLogins(Statement st, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            st.execute("INSERT INTO loginfailures (UserName, IPAddress, Reason) VALUES ('bob', '203.0.113.9', 'bad')");
        }
    }

    /** Writes marker edits until one comes through: Debezium reads the binlog from the moment it started. */
    private static void awaitStreaming(KafkaProcesses.Broker broker, Statement st) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            st.execute("UPDATE users SET Email = 'marker" + i + "@kafka.example' WHERE UserID = 1");
            Thread.sleep(1000);
            if (read(broker, CHANGES).stream().anyMatch(r -> r.value().contains("@kafka.example"))) {
                return;
            }
        }
        throw new IllegalStateException("no change came through the connector");
    }

    private static void awaitEvents(KafkaProcesses.Broker broker, String word, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long count = read(broker, EVENTS).stream().filter(r -> r.value().contains("203.0.113.9")).count();
            if (count >= n) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("fewer than " + n + " " + word + " events arrived");
    }

    /** The rules application as it ships: its jar, in a process of its own. */
    private Process startStreams(KafkaProcesses.Broker broker, String name) throws IOException {
        Path props = dir.resolve(name + ".properties");
        Files.writeString(props, String.join("\n",
                "bootstrap.servers=" + broker.bootstrap(),
                "state.dir=" + Files.createDirectories(dir.resolve("streams-" + name)),
                "commit.interval.ms=200",
                "session.timeout.ms=10000", // the killed instance's partitions move on sooner
                "rmm.rules.maxGroups=1000", ""));
        Path jar = Path.of("target", "rmm-audit-rules.jar");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar.toString(), props.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    /** Every record of a topic so far, committed ones only (as a SIEM sink connector reads them). */
    private static List<ConsumerRecord<String, String>> read(KafkaProcesses.Broker broker, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static Set<String> emails(List<ConsumerRecord<String, String>> events) throws IOException {
        Set<String> out = new TreeSet<>();
        for (ConsumerRecord<String, String> r : events) {
            JsonNode e = JSON.readTree(r.value());
            String to = e.at("/automate/changes/Email/to").asText(e.at("/automate/changes/email/to").asText(""));
            if (to.endsWith("@kafka.example") && to.startsWith("k")) {
                out.add(to);
            }
        }
        return out;
    }

    private static Map<String, Integer> alertCounts(List<ConsumerRecord<String, String>> alerts) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        for (ConsumerRecord<String, String> r : alerts) {
            out.merge(JSON.readTree(r.value()).at("/event/action").asText(), 1, Integer::sum);
        }
        return out;
    }

    /** The plugin zip the build made, unpacked as an operator would into a plugin.path directory. */
    private static Path unzipPlugin(Path into) throws IOException {
        Path zip;
        try (var files = Files.list(Path.of("target"))) {
            zip = files.filter(f -> f.getFileName().toString().matches("rmm-audit-connect-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no plugin zip in target/: run mvn package first"));
        }
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                Path out = into.resolve(e.getName()).normalize();
                assertTrue(out.startsWith(into), "zip entry outside its directory: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(z, out);
                }
            }
        }
        return into;
    }
}
