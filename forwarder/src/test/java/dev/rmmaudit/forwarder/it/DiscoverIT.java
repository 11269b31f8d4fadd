package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.CliRun;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forwarder discover} on a schema with tables the project has never seen: it lists the login-, audit- and
 * security-like ones, redacts secret-looking values in samples, writes skeletons that {@code validate} accepts, and
 * a skeleton turns a new row of such a table, read from the real binlog, into an event.
 */
class DiscoverIT {
    @TempDir
    Path dir;

    @Test
    void discover_unseenTables_listsThemWritesValidSkeletonsThatForwardTheirRows() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir)) {
            f.sql("CREATE TABLE tech_logon_history (id INT AUTO_INCREMENT PRIMARY KEY, tech_name VARCHAR(50),"
                            + " logon_time DATETIME, client_ip VARCHAR(45), success TINYINT)",
                    "CREATE TABLE ws_access (AccessID BIGINT PRIMARY KEY, Who VARCHAR(50), WhenDone TIMESTAMP,"
                            + " RemoteHost VARCHAR(80), Action TEXT)",
                    "CREATE TABLE sec_tokens (id INT PRIMARY KEY, user_name VARCHAR(50), token_hash CHAR(64),"
                            + " created DATETIME)",
                    "CREATE TABLE computer_inventory (ComputerID INT PRIMARY KEY, Name VARCHAR(50), OS VARCHAR(50))",
                    "INSERT INTO sec_tokens VALUES (1, 'alice', SHA2('a-very-secret-token', 256), NOW())",
                    "INSERT INTO tech_logon_history (tech_name, logon_time, client_ip, success) VALUES"
                            + " ('bob', NOW(), '10.0.0.5', 1)");
            AutomateSourceConfig s = f.config().source();
            Path config = dir.resolve("forwarder.yml");
            String yaml = """
                    source: {type: automate, flavor: %s, host: %s, port: %d, user: %s, password: "%s", database: %s,
                             sslMode: disabled}
                    sinks:
                      - {name: siem, type: stdout, format: cef}
                    """.formatted(s.flavor(), s.host(), s.port(), s.user(), s.password().reveal(), s.database());
            Files.writeString(config, yaml);
            Path maps = dir.resolve("my-mappings");

            String out = CliRun.run(0, "discover", "--config", config.toString(), "--out", maps.toString(),
                    "--sample", "2");
            for (String t : new String[] {"tech_logon_history", "ws_access", "sec_tokens"}) {
                assertTrue(out.contains("candidate " + t), t + " in\n" + out);
                assertTrue(Files.exists(maps.resolve("automate").resolve(t + ".yml")), t);
            }
            assertTrue(out.contains("covered   users"), out);
            assertFalse(out.contains("computer_inventory"), "not a login, audit or security table");
            assertTrue(out.contains("token_hash=[redacted]"), out);
            String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest("a-very-secret-token".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertFalse(out.contains(hash), "a hash-like column is never printed");
            assertTrue(out.contains("client_ip=10.0.0.5"), "other sampled values are shown");
            assertTrue(Files.readString(maps.resolve("automate").resolve("sec_tokens.yml")).contains(
                    "secret: [token_hash]"));

            String noSample = CliRun.run(0, "discover", "--config", config.toString());
            assertFalse(noSample.contains("10.0.0.5"), "without --sample no row value is printed");

            Files.writeString(config, yaml + "mappings: " + maps + "\n");
            assertTrue(CliRun.run(0, "validate", "--config", config.toString()).contains("valid"));

            f.mappings(maps).startForwarder();
            List<Cef> e = f.expect(1, "INSERT INTO tech_logon_history (tech_name, logon_time, client_ip, success)"
                    + " VALUES ('alice', NOW(), '203.0.113.9', 0)");
            assertEquals("tech-logon-history-recorded", e.get(0).get("act"));
            assertEquals("alice", e.get(0).get("duser"));
            assertEquals("203.0.113.9", e.get(0).get("src"));
        }
    }
}
