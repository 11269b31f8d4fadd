package dev.rmmaudit.forwarder.source.screenconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        Mappings m = MappingLoader.load(null);
        return new ScreenConnectSource(new ScreenConnectSourceConfig(appData(), appData().resolve("Session.db"),
                appData().resolve("User.xml"), Duration.ofMillis(50), dir.resolve("state"), startAt),
                m.forModule(ScreenConnectSource.MODULE));
    }

    @Test
    void poll_whileAnotherProcessWritesInWalMode_readsEveryRowOnceAndNeverBlocksTheWriter() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData());
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

    @Test
    void restart_afterDelivery_neitherLosesNorRepeats() throws Exception {
        try (ScreenConnectSample sample = ScreenConnectSample.create(appData())) {
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
            assertTrue(e.getMessage().contains("tables that look related: [LoginAudit]"), e.getMessage());
        }
    }

    @Test
    void open_missingDatabase_saysWhichFile() throws Exception {
        Files.createDirectories(appData());
        try (ScreenConnectSource source = source("end")) {
            java.sql.SQLException e = assertThrows(java.sql.SQLException.class, source::open);
            assertTrue(e.getMessage().contains(appData().resolve("Session.db").toString()), e.getMessage());
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
            sample.addUser("eviladmin", "x@evil.example", "Administrator", true);
            source.pollOnce(got);
            List<RowChange> users = got.of("User.xml");
            assertEquals(1, users.size(), "compared with the last good list: one user added, nothing else");
            assertEquals(RowChange.Op.CREATE, users.get(0).op());
            assertEquals("eviladmin", users.get(0).after().get("Name"));
            assertEquals("Administrator,", users.get(0).after().get("Roles"));
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
            assertEquals("Totp", users.get(0).before().get("OneTimePasswordProvider"));
            assertEquals("", users.get(0).after().get("OneTimePasswordProvider"));
            assertFalse(users.get(0).after().get("PasswordHash").toString().contains("sample-hash"),
                    "secret columns are kept as digests only");
        }
    }

    @Test
    void values_dotNetGuidsAndTicks_areReadAsScreenConnectWritesThem() {
        byte[] guid = java.util.HexFormat.of().parseHex("33221100554477668899aabbccddeeff");
        assertEquals("00112233-4455-6677-8899-aabbccddeeff", SessionDatabase.bytes(guid));
        assertEquals(Instant.parse("2024-02-19T21:00:00.1234567Z"), SessionDatabase.time(
                ScreenConnectSample.ticks(Instant.parse("2024-02-19T21:00:00.1234567Z"))));
        assertEquals(Instant.parse("2024-02-19T21:00:00Z"), SessionDatabase.time("2024-02-19T21:00:00"));
    }
}
