package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.JarProcess;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper-evident chain end to end, the way a SOC meets it: the packaged forwarder sends ECS JSON over real TCP
 * syslog while a writer keeps changing rows, is stopped (SIGTERM) and killed (SIGKILL) and started again; the
 * received documents, shuffled, are the SIEM's export. {@code forwarder verify} with the key {@code forwarder key
 * export} wrote passes it, and finds a deleted, an altered, a forged and a reordered event in copies of it, in
 * the runs after the restart and after the kill.
 */
class ChainIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void restartAndSigkill_cleanExportPasses_deletedAlteredForgedReorderedAreFound() throws Exception {
        ThrowawayDatabase db = TestDatabases.shared();
        String database = TestDatabases.uniqueName("labtech");
        AutomateSample.load(db, database);
        String user = "chain" + database.substring(database.indexOf('_'));
        String password = AutomateSample.createForwarderUser(db, user);
        AtomicInteger written = new AtomicInteger();
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0); Connection c = AutomateSample.connect(db, database)) {
            Path config = dir.resolve("forwarder.yml");
            Files.writeString(config, """
                    source: {type: automate, flavor: %s, host: 127.0.0.1, port: %d, user: %s,
                             password: "${FORWARDER_DB_PASSWORD}", database: %s, serverId: %d, sslMode: disabled,
                             stateDir: %s}
                    rules: {enabled: false}
                    heartbeat: {interval: 1s}
                    drainTimeout: 5s
                    sinks:
                      - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: json}
                    """.formatted(db.flavor(), db.port(), user, database, TestDatabases.uniqueServerId(),
                    dir.resolve("state"), receiver.port()));
            Thread writer = new Thread(() -> {
                try (Statement st = c.createStatement()) {
                    while (!Thread.currentThread().isInterrupted()) {
                        int i = written.incrementAndGet();
                        st.execute("UPDATE users SET Email = 'c" + i + "@chain.example' WHERE UserID = " + (1 + i % 6));
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "writer");
            Map<String, String> env = Map.of("FORWARDER_DB_PASSWORD", password);
            Process p = JarProcess.run(config, env, dir.resolve("run-1.log"));
            JarProcess.awaitLog(dir.resolve("run-1.log"), "connected to the binlog", p);
            writer.start();
            Thread.sleep(2500);
            p.destroy(); // SIGTERM: drains, commits, ends run 1
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            p = JarProcess.run(config, env, dir.resolve("run-2.log"));
            JarProcess.awaitLog(dir.resolve("run-2.log"), "connected to the binlog", p);
            Thread.sleep(2500);
            p.destroyForcibly(); // SIGKILL in the middle of run 2
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            p = JarProcess.run(config, env, dir.resolve("run-3.log"));
            Thread.sleep(2000);
            writer.interrupt();
            writer.join(10_000);
            int total = written.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && changes(receiver).size() < total) {
                Thread.sleep(200);
            }
            Thread.sleep(1500); // a heartbeat after the last change
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(total, changes(receiver).size(), "every change delivered; logs in " + dir);

            List<ObjectNode> docs = new ArrayList<>();
            for (String m : receiver.all()) {
                docs.add((ObjectNode) JSON.readTree(m.substring(m.indexOf('{'))));
            }
            assertTrue(docs.stream().allMatch(d -> d.path("event").has("sequence") && d.path("event").has("hash")),
                    "every event sealed");
            assertTrue(docs.stream().anyMatch(d -> "forwarder-heartbeat".equals(d.path("event").path("action")
                    .asText()) && d.path("forwarder").path("sink").path("siem").has("chain_head")),
                    "heartbeats carry the chain head");
            Path key = dir.resolve("chain.key");
            Files.writeString(key, jar(0, "key", "export", "--config", config.toString()));

            String clean = jar(0, "verify", "--key", key.toString(), "--events", export(docs, "clean").toString());
            assertTrue(clean.contains("OK: nothing missing, altered or forged"), clean);
            assertTrue(clean.contains("run 3:"), "three runs: " + clean);
            System.err.println("[ChainIT] " + docs.size() + " documents, " + total + " changes:\n" + clean);

            Map<Long, List<ObjectNode>> byRun = new java.util.TreeMap<>();
            docs.forEach(d -> byRun.computeIfAbsent(d.path("rmm_audit").path("chain").path("run").asLong(),
                    r -> new ArrayList<>()).add(d));
            ObjectNode inRun2 = middle(byRun.get(2L));
            ObjectNode inRun3 = middle(byRun.get(3L));

            List<ObjectNode> deleted = copy(docs);
            deleted.removeIf(d -> d.equals(inRun2));
            String out = jar(4, "verify", "--key", key.toString(), "--events", export(deleted, "deleted").toString());
            assertTrue(out.contains("MISSING: stream siem run 2 sequence " + seq(inRun2) + " (1 event)"), out);

            List<ObjectNode> altered = copy(docs);
            for (ObjectNode d : altered) {
                if (d.equals(inRun3)) {
                    d.put("message", "nothing to see here");
                }
            }
            out = jar(4, "verify", "--key", key.toString(), "--events", export(altered, "altered").toString());
            assertTrue(out.contains("ALTERED:") && out.contains("sequence " + seq(inRun3) + ","), out);
            assertTrue(!out.contains("MISSING"), out);

            List<ObjectNode> forged = copy(docs);
            ObjectNode fake = inRun3.deepCopy();
            ((ObjectNode) fake.get("event")).put("id", "f".repeat(32)).put("sequence", seq(inRun3) + 1)
                    .put("hash", "0123456789abcdef".repeat(4));
            fake.put("message", "User admin logged in");
            forged.add(fake);
            out = jar(4, "verify", "--key", key.toString(), "--events", export(forged, "forged").toString());
            assertTrue(out.contains("FORGED:") && out.contains("sequence " + (seq(inRun3) + 1)), out);

            List<ObjectNode> reordered = copy(docs);
            for (ObjectNode d : reordered) {
                if (d.equals(inRun2)) {
                    ((ObjectNode) d.get("event")).put("sequence", seq(inRun2) + 3);
                }
            }
            out = jar(4, "verify", "--key", key.toString(), "--events", export(reordered, "reordered").toString());
            assertTrue(out.contains("REORDERED:") && out.contains("sealed as sequence " + seq(inRun2)), out);
        }
    }

    private static long seq(ObjectNode d) {
        return d.path("event").path("sequence").asLong();
    }

    /** An e-mail change from the middle of a run. */
    private static ObjectNode middle(List<ObjectNode> run) {
        List<ObjectNode> changes = run.stream().filter(d -> "user-email-changed".equals(d.path("event")
                .path("action").asText())).toList();
        assertTrue(changes.size() > 10, "changes in the run: " + changes.size());
        return changes.get(changes.size() / 2);
    }

    private static List<ObjectNode> copy(List<ObjectNode> docs) {
        return new ArrayList<>(docs.stream().map(ObjectNode::deepCopy).toList());
    }

    private Path export(List<ObjectNode> docs, String name) throws Exception {
        List<String> lines = new ArrayList<>(docs.stream().map(JsonNode::toString).toList());
        Collections.shuffle(lines, new Random(5)); // a SIEM exports in its own order
        Path f = dir.resolve(name + ".jsonl");
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    private Set<String> changes(SyslogReceiver r) throws Exception {
        Set<String> out = new HashSet<>();
        for (String m : new ArrayList<>(r.messages())) {
            JsonNode d = JSON.readTree(m.substring(m.indexOf('{')));
            if ("user-email-changed".equals(d.path("event").path("action").asText())) {
                out.add(d.path("automate").path("changes").path("Email").path("to").asText());
            }
        }
        return out;
    }

    /** Runs the packaged forwarder with {@code args}; its standard output, after checking its exit code. */
    private String jar(int expectedExit, String... args) throws Exception {
        Process p = JarProcess.builder(List.of(), args).redirectError(dir.resolve("stderr.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), out + Files.readString(dir.resolve("stderr.log")));
        return out;
    }
}
