package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.demo.AutomateSample;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import dev.rmmaudit.forwarder.testing.CliRun;
import dev.rmmaudit.forwarder.testing.SyslogReceiver;
import dev.rmmaudit.forwarder.testing.TestDatabases;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forwarder check} against a real server set up right, and wrong in each way it detects: statement-based
 * binlog, minimal row images, missing grants, extra grants, the wrong flavour, and a sink that refuses connections.
 */
class CheckIT {
    private static ThrowawayDatabase db;
    private static String database;
    private static String password;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        db = TestDatabases.shared();
        database = TestDatabases.uniqueName("check");
        AutomateSample.load(db, database);
        password = AutomateSample.createForwarderUser(db, database + "_fw");
        root("CREATE USER '" + database + "_few'@'%' IDENTIFIED BY '" + password + "'");
        root("GRANT SELECT ON `" + database + "`.* TO '" + database + "_few'@'%'");
        root("CREATE USER '" + database + "_many'@'%' IDENTIFIED BY '" + password + "'");
        root("GRANT " + AutomateSample.GRANTS + ", INSERT, PROCESS ON *.* TO '" + database + "_many'@'%'");
    }

    private static void root(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.rootUser(), db.rootPassword());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Path config(String user, String flavor, int sinkPort) throws Exception {
        Path f = dir.resolve(user + "-" + flavor + "-" + sinkPort + ".yml");
        Files.writeString(f, """
                source: {type: automate, flavor: %s, host: %s, port: %d, user: %s, password: "%s", database: %s,
                         sslMode: disabled}
                sinks:
                  - {name: siem, type: syslog, protocol: tcp, host: 127.0.0.1, port: %d, format: cef}
                """.formatted(flavor, db.host(), db.port(), user, password, database, sinkPort));
        return f;
    }

    private static Map<String, JsonNode> byCheck(String json) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode n : JSON.readTree(json.substring(json.indexOf('[')))) {
            out.put(n.get("check").asText(), n);
        }
        return out;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void check_serverSetUpRight_exits0WithNoFailure() throws Exception {
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            String out = CliRun.run(0, "check", "--config", config(database + "_fw", db.flavor(), receiver.port())
                    .toString(), "--json");
            Map<String, JsonNode> r = byCheck(out);
            for (String c : new String[] {"database connection", "flavor", "log_bin", "binlog_format",
                    "binlog_row_image", "server_id", "grants", "error log", "table users", "table userclasses",
                    "sink siem"}) {
                assertEquals("ok", r.get(c).get("status").asText(), c + ": " + r.get(c));
            }
            assertFalse(r.containsKey("least privilege"), out);
            assertFalse(out.contains(password), "no secret in any output");
            assertEquals(0, receiver.messages().size(), "nothing was sent to the sink");
        }
    }

    @Test
    void check_statementFormatAndMinimalImages_fail() throws Exception {
        root("SET GLOBAL binlog_format = 'STATEMENT'");
        root("SET GLOBAL binlog_row_image = 'MINIMAL'");
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            String out = CliRun.run(4, "check", "--config", config(database + "_fw", db.flavor(), receiver.port())
                    .toString());
            assertTrue(out.contains("fail  binlog_format          binlog_format = STATEMENT, the forwarder needs ROW"),
                    out);
            assertTrue(out.contains("fail  binlog_row_image       binlog_row_image = MINIMAL"), out);
            assertTrue(out.contains("-> SET GLOBAL binlog_format = 'ROW'"), out);
        } finally {
            root("SET GLOBAL binlog_format = 'ROW'");
            root("SET GLOBAL binlog_row_image = 'FULL'");
        }
    }

    @Test
    void check_missingGrants_failsWithTheGrantToRun() throws Exception {
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            Map<String, JsonNode> r = byCheck(CliRun.run(4, "check", "--config", config(database + "_few", db.flavor(),
                    receiver.port()).toString(), "--json"));
            assertEquals("fail", r.get("grants").get("status").asText());
            assertTrue(r.get("grants").get("remedy").asText().startsWith("GRANT RELOAD, SHOW DATABASES, REPLICATION"
                    + " SLAVE, REPLICATION CLIENT ON *.* TO '" + database + "_few'@'%';"), r.get("grants").toString());
        }
    }

    @Test
    void check_extraGrants_warnButPass() throws Exception {
        try (SyslogReceiver receiver = SyslogReceiver.tcp(0)) {
            Map<String, JsonNode> r = byCheck(CliRun.run(0, "check", "--config", config(database + "_many",
                    db.flavor(), receiver.port()).toString(), "--json"));
            assertEquals("ok", r.get("grants").get("status").asText());
            assertEquals("warn", r.get("least privilege").get("status").asText());
            assertTrue(r.get("least privilege").get("detail").asText().contains("INSERT ON *.*"), r.toString());
            assertTrue(r.get("least privilege").get("detail").asText().contains("PROCESS ON *.*"), r.toString());
        }
    }

    @Test
    void check_wrongFlavorAndARefusingSink_fail() throws Exception {
        String wrong = db.flavor().equals("mariadb") ? "mysql" : "mariadb";
        Map<String, JsonNode> r = byCheck(CliRun.run(4, "check", "--config", config(database + "_fw", wrong,
                closedPort()).toString(), "--json"));
        assertEquals("fail", r.get("flavor").get("status").asText());
        assertEquals("set flavor: " + db.flavor() + " under source (it decides the binlog connector)",
                r.get("flavor").get("remedy").asText());
        assertEquals("fail", r.get("sink siem").get("status").asText());
        assertTrue(r.get("sink siem").get("detail").asText().contains("Connection refused"), r.get("sink siem")
                .toString());
    }

    @Test
    void check_wrongPassword_failsTheConnectionWithoutShowingIt() throws Exception {
        Path f = config(database + "_fw", db.flavor(), closedPort());
        Files.writeString(f, Files.readString(f).replace(password, "Wrong-" + password.substring(4)));
        String out = CliRun.run(4, "check", "--config", f.toString());
        assertTrue(out.contains("fail  database connection"), out);
        assertTrue(out.contains("check source.user and the password"), out);
        assertFalse(out.contains(password.substring(4)), "no password in any output");
    }
}
