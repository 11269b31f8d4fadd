package dev.rmmaudit.forwarder.source.screenconnect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.demo.ScreenConnectSample;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import dev.rmmaudit.forwarder.testing.ScreenConnectFixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The ScreenConnect source against real SQLite files in write-ahead-log mode and real User.xml files. */
class ScreenConnectSourceTest {
    private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

    @TempDir
    Path dir;

    /** Keeps every change it is handed; fails deliveries while {@link #failing} is set. */
    private static final class Collector implements ChangeHandler {
        final List<RowChange> changes = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;

        @Override
        public CompletableFuture<Void> handle(List<RowChange> batch) {
            if (failing) {
                return CompletableFuture.failedFuture(new IOException("sink down"));
            }
            changes.addAll(batch);
            return CompletableFuture.completedFuture(null);
        }

        List<RowChange> of(String table) {
            return List.copyOf(changes).stream().filter(c -> c.table().equals(table)).toList();
        }
    }

    private Path appData() {
        return dir.resolve("App_Data");
    }

    private ScreenConnectSource source(String startAt) throws Exception {
        return source(startAt, Clock.systemUTC());
    }

    private ScreenConnectSource source(String startAt, Clock clock) throws Exception {
        Mappings m = MappingLoader.load(null);
        return new ScreenConnectSource(ScreenConnectSourceConfig.of(appData(), Duration.ofMillis(50),
                dir.resolve("state"), startAt), m.forModule(ScreenConnectSource.MODULE), clock);
    }

    @ParameterizedTest(name = "legacy layout: {0}")
    @ValueSource(booleans = {false, true})
    void poll_whileAnotherProcessWritesInWalMode_readsEveryRowOnceAndNeverBlocksTheWriter(boolean legacy)
            throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData(), legacy);
                ScreenConnectSource source = source("beginning")) {
            source.open();
            Collector got = new Collector();
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (ScreenConnectSample w = ScreenConnectSample.open(appData())) {
                    for (int i = 0; i < 3_000; i++) {
                        w.security(T0.plusMillis(i), ScreenConnectSample.LOGIN, ScreenConnectSample.PASSWORD_INVALID,
                                "user" + i, "203.0.113." + (i % 250));
                    }
                } catch (Exception e) {
                    writerFailed.set(e);
                }
            });
            writer.start();
            while (writer.isAlive()) {
                source.pollOnce(got);
            }
            source.pollOnce(got);
            assertEquals(null, writerFailed.get(), "the writer was never refused (SQLITE_BUSY) by the reader");
            List<RowChange> rows = got.of("SecurityEvent");
            assertEquals(3_000, rows.size());
            Set<String> users = new HashSet<>();
            rows.forEach(r -> users.add((String) r.after().get("UserName")));
            assertEquals(3_000, users.size(), "each row once");
            assertEquals("user0", rows.get(0).after().get("UserName"), "in order");
            assertEquals(T0, rows.get(0).time(), ".NET ticks read as UTC");
        }
    }

    @ParameterizedTest(name = "legacy layout: {0}")
    @ValueSource(booleans = {false, true})
    void restart_afterDelivery_neitherLosesNorRepeats(boolean legacy) throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData(), legacy)) {
            Collector first = new Collector();
            try (ScreenConnectSource source = source("end")) {
                sample.security(T0, 0, 7, "before-start", "10.0.0.1"); // history: not forwarded (startAt: end)
                source.open();
                sample.security(T0, 0, 7, "a", "10.0.0.1");
                sample.security(T0, 0, 1, "b", "10.0.0.1");
                source.pollOnce(first);
            }
            sample.security(T0, 0, 7, "while-stopped", "10.0.0.1");
            Collector second = new Collector();
            try (ScreenConnectSource source = source("end")) {
                source.open();
                source.pollOnce(second);
                source.pollOnce(second);
            }
            assertEquals(List.of("a", "b"), first.of("SecurityEvent").stream().map(c -> c.after().get("UserName"))
                    .toList());
            assertEquals(List.of("while-stopped"), second.of("SecurityEvent").stream().map(c -> c.after().get(
                    "UserName")).toList());
        }
    }

    @Test
    void poll_deliveryFails_readsTheSameRowsAgainLater() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.security(T0, 0, 7, "kept", "10.0.0.1");
            Collector got = new Collector();
            got.failing = true;
            assertThrows(IOException.class, () -> source.pollOnce(got));
            got.failing = false;
            source.pollOnce(got);
            assertEquals(1, got.of("SecurityEvent").size());
        }
    }

    @Test
    void open_noMappedTable_failsNamingWhatIsThere() throws Exception {
        Files.createDirectories(appData());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + appData().resolve("Session.db"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE LoginAudit (Time INTEGER, Who TEXT)");
            st.execute("CREATE TABLE Other (x INTEGER)");
        }
        try (ScreenConnectSource source = source("end")) {
            java.sql.SQLException e = assertThrows(java.sql.SQLException.class, source::open);
            assertTrue(e.getMessage().contains("none of the mapped tables [SecurityEvent, SessionConnectionEvent, SessionEvent]"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("tables that look related: [Session.db:LoginAudit]"), e.getMessage());
        }
    }

    @Test
    void open_missingDatabase_saysWhichFile() throws Exception {
        Files.createDirectories(appData());
        try (ScreenConnectSource source = source("end")) {
            java.sql.SQLException e = assertThrows(java.sql.SQLException.class, source::open);
            assertTrue(e.getMessage().contains(appData().resolve("Session.db").toString()), e.getMessage());
            assertTrue(e.getMessage().contains(appData().resolve("Security.db").toString()), e.getMessage());
        }
    }

    @Test
    void pollUsers_malformedFile_isReportedAndTheLastGoodListStaysTheReference() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            Collector got = new Collector();
            String good = Files.readString(appData().resolve("User.xml"));
            sample.writeUserFile(good.replace("</Users>", "<User><Name>half"));
            source.pollOnce(got);
            source.pollOnce(got);
            assertEquals(1, source.malformedUserFiles(), "reported once per bad version");
            assertEquals(List.of(), got.of("User.xml"));
            sample.writeUserFile(good);
            sample.addUser("eviladmin", "x@evil.example", "Control Administrator", true);
            source.pollOnce(got);
            List<RowChange> users = got.of("User.xml");
            assertEquals(1, users.size(), "compared with the last good list: one user added, nothing else");
            assertEquals(RowChange.Op.CREATE, users.get(0).op());
            assertEquals("eviladmin", users.get(0).after().get("Name"));
            assertEquals("Control Administrator,", users.get(0).after().get("Roles"));
            assertEquals("true", users.get(0).after().get("IsAdministrator"));
        }
    }

    @Test
    void pollUsers_documentTypeDeclaration_isRefusedWithoutReadingTheEntity() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            Path secret = dir.resolve("secret.txt");
            Files.writeString(secret, "TOPSECRET");
            sample.writeUserFile("<?xml version=\"1.0\"?><!DOCTYPE u [<!ENTITY x SYSTEM \"" + secret.toUri()
                    + "\">]><Users><User><Name>&x;</Name></User></Users>");
            Collector got = new Collector();
            source.pollOnce(got);
            assertEquals(1, source.malformedUserFiles());
            assertTrue(got.changes.isEmpty());
        }
    }

    @Test
    void pollUsers_restartAfterChangesWhileStopped_reportsThem() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData())) {
            try (ScreenConnectSource source = source("end")) {
                source.open();
            }
            sample.disableTwoFactor("admin");
            Collector got = new Collector();
            try (ScreenConnectSource source = source("end")) {
                source.open();
                source.pollOnce(got);
            }
            List<RowChange> users = got.of("User.xml");
            assertEquals(1, users.size());
            assertEquals(RowChange.Op.UPDATE, users.get(0).op());
            assertEquals("true", users.get(0).before().get("HasPasswordQuestion"));
            assertEquals("false", users.get(0).after().get("HasPasswordQuestion"));
            assertTrue(users.get(0).before().get("PasswordQuestion").toString().startsWith("hmac:"),
                    "secret columns are kept as keyed digests only");
        }
    }

    @Test
    void values_guidsAddressesAndTimes_areReadAsScreenConnectWritesThem() throws Exception {
        byte[] guid = java.util.HexFormat.of().parseHex("33221100554477668899aabbccddeeff");
        assertEquals("00112233-4455-6677-8899-aabbccddeeff", SqliteValues.blob("EventID", guid));
        assertArrayEquals(guid, SqliteValues.guidBytes("00112233-4455-6677-8899-aabbccddeeff"));
        assertEquals("203.0.113.9", SqliteValues.blob("NetworkAddress", new byte[] {(byte) 203, 0, 113, 9}));
        assertEquals("2001:db8::1", SqliteValues.blob("NetworkAddress",
                java.net.InetAddress.getByName("2001:db8:0:0:0:0:0:1").getAddress()));
        assertEquals("2001:db8:0:1:1:1:1:1", SqliteValues.blob("ParticipantAddress",
                java.net.InetAddress.getByName("2001:db8:0:1:1:1:1:1").getAddress()), "one zero group stays");
        assertEquals("::", SqliteValues.ip(new byte[16]));
        assertEquals(Instant.parse("2024-02-19T21:00:00.1234567Z"), SqliteValues.time(
                ScreenConnectSample.ticks(Instant.parse("2024-02-19T21:00:00.1234567Z"))));
        assertEquals(Instant.parse("2024-02-27T22:35:30.2995028Z"), SqliteValues.time("2024-02-27 22:35:30.2995028Z"),
                "text times of upgraded databases");
        assertEquals(Instant.parse("2024-02-19T21:00:00Z"), SqliteValues.time("2024-02-19T21:00:00"));
        assertEquals(null, SqliteValues.time("yesterday"));
    }

    @Test
    void poll_textTimeInAnUpgradedDatabase_isReadAsUtc() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData(), true);
                ScreenConnectSource source = source("end")) {
            source.open();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + appData().resolve("Session.db"));
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO SecurityEvent (Time, EventType, OperationResult, UserName, NetworkAddress)"
                        + " VALUES ('2024-02-27 22:35:30.2995028Z', 0, 7, 'old', '10.0.0.9')");
            }
            Collector got = new Collector();
            source.pollOnce(got);
            assertEquals(Instant.parse("2024-02-27T22:35:30.2995028Z"), got.of("SecurityEvent").get(0).time());
        }
    }

    @Test
    void poll_25xLayout_loginsFromSecurityDbAndConnectionsFromSessionEvent() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.security(T0, 0, 7, "", "2001:db8::7");
            byte[] s = sample.session(T0, "Front desk", "alice", "FRONTDESK-PC");
            sample.connect(T0.plusSeconds(1), s, "alice", "192.0.2.44");
            Collector got = new Collector();
            source.pollOnce(got);
            RowChange login = got.of("SecurityEvent").get(0);
            assertEquals("Security.db", login.database());
            assertEquals("2001:db8::7", login.after().get("NetworkAddress"));
            assertEquals("", login.after().get("UserName"), "an empty user name is normal");
            assertTrue(login.position().matches("Security.db:SecurityEvent:[0-9a-f-]{36}"), login.position());
            RowChange connected = got.of("SessionEvent").stream().filter(c -> c.after().get("EventType").equals(10))
                    .findFirst().orElseThrow();
            assertEquals("alice", connected.after().get("ParticipantName"));
            assertEquals("192.0.2.44", connected.after().get("ParticipantAddress"));
            assertEquals("FRONTDESK-PC", connected.after().get("GuestMachineName"));
        }
    }

    @Test
    void poll_recentRowDeleted_isReportedButTheRoutinePurgeIsNot() throws Exception {
        Instant now = Instant.parse("2026-12-05T02:00:00Z");
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end", Clock.fixed(now, java.time.ZoneOffset.UTC))) {
            source.open();
            byte[] old = sample.security(now.minus(Duration.ofDays(200)), 0, 1, "old", "10.0.0.1");
            byte[] oldSession = sample.session(now.minus(Duration.ofDays(40)), "Old", "bob", "OLD-PC");
            byte[] young = sample.security(now.minus(Duration.ofHours(2)), 0, 7, "mallory", "10.0.0.66");
            byte[] s = sample.session(now.minusSeconds(60), "Front desk", "alice", "FRONTDESK-PC");
            byte[] command = sample.sessionEvent(now.minusSeconds(30), s, "alice", ScreenConnectSample.RAN_COMMAND,
                    "whoami", 0);
            Collector got = new Collector();
            source.pollOnce(got);
            got.changes.clear();
            sample.purge(now.minus(Duration.ofDays(30))); // the maintenance run: old rows of both databases
            source.pollOnce(got);
            assertEquals(List.of(), got.changes, "the routine purge raises nothing");
            assertEquals(2, source.purged(), "the old login and the old session's creation");
            sample.deleteSecurityEvent(young);
            sample.deleteSessionEvent(command);
            source.pollOnce(got);
            assertEquals(2, got.changes.size(), got.changes.toString());
            RowChange login = got.of("SecurityEvent").get(0);
            assertEquals(RowChange.Op.DELETE, login.op());
            assertEquals("mallory", login.before().get("UserName"));
            assertEquals("7200", login.before().get("AgeSeconds"));
            assertEquals("whoami", got.of("SessionEvent").get(0).before().get("Data"));
            source.pollOnce(got);
            assertEquals(2, got.changes.size(), "each deletion reported once");
            assertNotNull(old);
            assertNotNull(oldSession);
        }
    }

    @Test
    void poll_rowsRenumbered_nothingLostOrRepeated() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("beginning")) {
            for (int i = 0; i < 5; i++) {
                sample.security(T0.plusSeconds(i), 0, 1, "early" + i, "10.0.0.1");
            }
            source.open();
            Collector got = new Collector();
            source.pollOnce(got);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + appData().resolve("Security.db"));
                    Statement st = c.createStatement()) {
                st.execute("DELETE FROM SecurityEvent WHERE UserName IN ('early0', 'early1', 'early2')");
                // a rebuild of the table, as VACUUM may do to a table without an INTEGER PRIMARY KEY
                st.execute("CREATE TABLE Rebuilt AS SELECT * FROM SecurityEvent ORDER BY rowid");
                st.execute("DROP TABLE SecurityEvent");
                st.execute("ALTER TABLE Rebuilt RENAME TO SecurityEvent");
                try (java.sql.ResultSet rs = st.executeQuery("SELECT MAX(rowid) FROM SecurityEvent")) {
                    rs.next();
                    assertEquals(2, rs.getLong(1), "the rows were renumbered");
                }
            }
            sample.security(T0.plusSeconds(10), 0, 1, "after", "10.0.0.1");
            source.pollOnce(got);
            assertEquals(List.of("early0", "early1", "early2", "early3", "early4", "after"), got.of("SecurityEvent")
                    .stream().filter(c -> c.op() == RowChange.Op.CREATE).map(c -> c.after().get("UserName")).toList());
        }
    }

    @Test
    void pollFiles_roleGainsAdminister_everyMemberBecomesAnAdministrator() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.grantAdminister("Control Host");
            Collector got = new Collector();
            source.pollOnce(got);
            RowChange role = got.of("Role.xml").get(0);
            assertEquals("true", role.after().get("IsAdministrator"));
            List<RowChange> users = got.of("User.xml");
            assertEquals(1, users.size(), users.toString());
            assertEquals("alice", users.get(0).after().get("Name"));
            assertEquals("false", users.get(0).before().get("IsAdministrator"));
            assertEquals("true", users.get(0).after().get("IsAdministrator"));
            assertEquals("Control Host", users.get(0).after().get("AdministerRoles"));
        }
    }

    @Test
    void pollFiles_userStoreReset_oneRowNamingTheNewAdministratorAndTheRemovedUsers() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.resetUserStore("setupadmin", "setupadmin@poc.com");
            Collector got = new Collector();
            source.pollOnce(got);
            List<RowChange> reset = got.of("UserStore");
            assertEquals(1, reset.size());
            assertEquals("setupadmin", reset.get(0).after().get("NewAdministrators"));
            assertEquals("admin,alice", reset.get(0).after().get("RemovedUsers"));
            assertTrue(got.of("User.xml").stream().allMatch(c -> "true".equals((c.op() == RowChange.Op.DELETE
                    ? c.before() : c.after()).get("UserStoreReset"))), "the per-user changes are marked");
        }
    }

    @Test
    void pollFiles_oneUserRemovedAndAnAdministratorAdded_isNoReset() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.writeUserFile(Files.readString(appData().resolve("User.xml")).replaceAll(
                    "(?s)<User>\\s*<CreationDate>2024-06-10.*?</User>", ""));
            sample.addUser("bob", "bob@msp.example", "Control Administrator", false);
            Collector got = new Collector();
            source.pollOnce(got);
            assertEquals(List.of(), got.of("UserStore"), "admin is still there: not a reset");
            assertEquals(2, got.of("User.xml").size());
        }
    }

    @Test
    void pollFiles_webConfigAuditLevelLowered_isAChange() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            source.open();
            sample.setAuditLevel("Basic");
            Collector got = new Collector();
            source.pollOnce(got);
            RowChange c = got.of("web.config").get(0);
            assertEquals("Extended", c.before().get("Value"));
            assertEquals("Basic", c.after().get("Value"));
            Path web = ScreenConnectSample.webConfig(appData());
            Files.writeString(web, Files.readString(web).replace("key=\"IsSetup\" value=\"True\"",
                    "key=\"IsSetup\" value=\"False\"").replace("</appSettings>",
                    "<add key=\"SmtpPassword\" value=\"not-for-the-state\" /></appSettings>"));
            source.pollOnce(got);
            RowChange setup = got.of("web.config").get(1);
            assertEquals("IsSetup", setup.after().get("Key"));
            assertEquals("False", setup.after().get("Value"));
            assertEquals(2, got.of("web.config").size(), "a setting not about audit, setup or lockout is not read");
            assertFalse(Files.readString(dir.resolve("state").resolve("screenconnect-state.json"))
                    .contains("not-for-the-state"));
        }
    }

    @Test
    void pollFiles_noRoleFile_rolesNamedAdminCountAsAdministrators() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
                ScreenConnectSource source = source("end")) {
            Files.delete(appData().resolve("Role.xml"));
            source.open();
            sample.addUser("eve", "eve@msp.example", "Administrators", false);
            sample.addUser("tom", "tom@msp.example", "Technicians", false);
            Collector got = new Collector();
            source.pollOnce(got);
            List<RowChange> users = got.of("User.xml");
            assertEquals("true", users.get(0).after().get("IsAdministrator"));
            assertEquals("false", users.get(1).after().get("IsAdministrator"));
        }
    }

    @Test
    void state_neverHoldsASecret_andAnOlderStateInClearIsRewrittenAtStart() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData())) {
            Path state = dir.resolve("state");
            Files.createDirectories(state);
            String admin = "{\"Name\":\"admin\",\"PasswordQuestion\":\"ms:SAMPLEOTPKEYADMIN\","
                    + "\"PasswordHashHistory\":\"c2FtcGxlLWhhc2gtYWRtaW4tbm90LWEtc2VjcmV0,\",\"Roles\":\"Control Administrator,\"}";
            Files.writeString(state.resolve("screenconnect-state.json"), "{\"sessionDb\":{\"SessionEvent\":0},"
                    + "\"usersHash\":\"x\",\"users\":{\"admin\":" + admin + "}}");
            Collector got = new Collector();
            try (ScreenConnectSource source = source("end")) {
                source.open();
                assertEquals(List.of(), ScreenConnectFixtures.filesWithSecrets(state), "rewritten at start");
                sample.disableTwoFactor("alice");
                sample.changePassword("admin");
                source.pollOnce(got);
            }
            assertEquals(List.of(), ScreenConnectFixtures.filesWithSecrets(state));
            if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve(SecretDigest.FILE))));
            }
            for (RowChange c : got.changes) {
                for (String s : ScreenConnectFixtures.SECRETS) {
                    assertFalse(c.toString().contains(s), "a change handed on holds " + s + ": " + c);
                }
            }
        }
    }
}
