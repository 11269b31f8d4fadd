package dev.rmmaudit.forwarder.source.logfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.LogFileSourceConfig;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log-file source on real files written while it reads: W3C headers, rotations, truncation, partial lines. */
class LogFileSourceTest {
    private static final Mappings MAPPINGS = MappingLoader.load(null);

    @TempDir
    Path dir;

    private final List<RowChange> dead = Collections.synchronizedList(new ArrayList<>());

    private static final class Collector implements ChangeHandler {
        final List<RowChange> rows = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;

        @Override
        public CompletableFuture<Void> handle(List<RowChange> batch) {
            if (failing) {
                return CompletableFuture.failedFuture(new IOException("sink down"));
            }
            rows.addAll(batch);
            return CompletableFuture.completedFuture(null);
        }

        List<String> column(String c) {
            return List.copyOf(rows).stream().map(r -> String.valueOf(r.after().get(c))).toList();
        }
    }

    private LogFileSource source(String glob, String format, String startAt) throws IOException {
        LogFileSource s = new LogFileSource(new LogFileSourceConfig("test", List.of(dir.resolve(glob).toString()
                .replace('\\', '/')), format, startAt, Duration.ofMillis(50), dir.resolve("state")),
                MAPPINGS.find(LogFileSource.MODULE, format).orElseThrow(), (c, e) -> dead.add(c), Clock.systemUTC());
        s.open();
        return s;
    }

    private static void append(Path f, String... lines) throws IOException {
        Files.writeString(f, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static final String FIELDS = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username"
            + " c-ip cs(User-Agent) sc-status";

    @Test
    void poll_w3cFieldsChangeMidFileAndDailyRollover_everyLineOnceWithItsColumns() throws Exception {
        Path day1 = dir.resolve("u_ex261205.log");
        append(day1, "#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0", FIELDS,
                "2026-12-05 10:00:00 10.0.0.1 POST /cwa/api/v1/apitoken - 443 - 203.0.113.9 Mozilla/5.0+(X) 401");
        LogFileSource s = source("u_ex*.log", "w3c", "beginning");
        Collector got = new Collector();
        s.pollOnce(got);
        append(day1, "#Fields: date time cs-method cs-uri-stem c-ip sc-status time-taken",
                "2026-12-05 10:05:00 GET /SetupWizard.aspx/x 198.51.100.7 200 15");
        s.pollOnce(got);
        append(dir.resolve("u_ex261206.log"), "#Software: IIS", FIELDS,
                "2026-12-06 00:00:01 10.0.0.1 POST /cwa/api/v1/apitoken - 443 - 203.0.113.10 - 403");
        s.pollOnce(got);
        s.pollOnce(got);
        assertEquals(List.of("203.0.113.9", "198.51.100.7", "203.0.113.10"), got.column("c-ip"));
        assertEquals("Mozilla/5.0 (X)", got.rows.get(0).after().get("cs(User-Agent)"), "'+' is a space");
        assertEquals("15", got.rows.get(1).after().get("time-taken"), "the new #Fields: decides the columns");
        assertEquals("2026-12-05T10:00:00Z", got.rows.get(0).after().get("TimeUtc"));
        assertEquals(List.of(), dead);

        EventMapper mapper = new EventMapper(MAPPINGS, new AutomateDirectory());
        List<String> actions = got.rows.stream().flatMap(r -> mapper.map(LogFileSource.MODULE, r).stream())
                .map(SecurityEvent::action).toList();
        assertEquals(List.of("web-login-failed", "setup-wizard-request", "web-login-failed"), actions);
    }

    @Test
    void poll_renamedAndRecreated_readsTheOldToItsEndAndTheNewFromItsStart() throws Exception {
        Path log = dir.resolve("access.log");
        append(log, "203.0.113.1 - - [05/Dec/2026:15:09:37 +0000] \"GET /old HTTP/1.1\" 200 5 \"-\" \"x\"");
        LogFileSource s = source("access.log*", "combined", "end");
        Collector got = new Collector();
        s.pollOnce(got);
        assertEquals(List.of(), got.rows, "history before the first start is not read (startAt: end)");
        append(log, "203.0.113.2 - bob [05/Dec/2026:15:09:38 +0000] \"POST /cwa/api/v1/apitoken HTTP/1.1\" 401 0 \"-\" \"x\"");
        Files.move(log, dir.resolve("access.log.1")); // logrotate
        append(dir.resolve("access.log.1"), "203.0.113.3 - - [05/Dec/2026:15:09:39 +0000] \"GET /late HTTP/1.1\" 200 1 \"-\" \"x\"");
        append(log, "203.0.113.4 - - [05/Dec/2026:15:09:40 +0000] \"GET /new HTTP/1.1\" 200 1 \"-\" \"x\"");
        s.pollOnce(got);
        s.pollOnce(got);
        assertEquals(List.of("203.0.113.2", "203.0.113.3", "203.0.113.4"), got.column("client").stream().sorted()
                .toList());
        assertEquals("bob", got.rows.stream().filter(r -> r.after().get("client").equals("203.0.113.2")).findFirst()
                .orElseThrow().after().get("user"));
        assertEquals("", got.rows.stream().filter(r -> r.after().get("client").equals("203.0.113.3")).findFirst()
                .orElseThrow().after().get("user"), "'-' is no value");
    }

    @Test
    void poll_truncatedPartialLineAndFailedDelivery_neitherLosesNorRepeats() throws Exception {
        Path log = dir.resolve("error.log");
        append(log, "2026-12-05 15:09:37 3 [Warning] Access denied for user 'root'@'127.0.0.1' (using password: YES)");
        LogFileSource s = source("error.log", "mysql-error", "beginning");
        Collector got = new Collector();
        s.pollOnce(got);
        Files.writeString(log, "2026-12-05 15:09:38 4 [Warning] Access denied for user 'sa'@'10.9.9.9' (using"
                + " password: NO)", StandardOpenOption.APPEND);
        s.pollOnce(got);
        assertEquals(List.of("root"), got.column("user"), "a line without its newline waits");
        got.failing = true;
        Files.writeString(log, "\n", StandardOpenOption.APPEND);
        assertThrows(IOException.class, () -> s.pollOnce(got));
        got.failing = false;
        LogFileSource again = source("error.log", "mysql-error", "beginning"); // a restart: the saved position
        again.pollOnce(got);
        assertEquals(List.of("root", "sa"), got.column("user"), "read again after the failed delivery, once");
        Files.writeString(log, "2026-12-05 16:00:00 5 [Warning] Access denied for user 'x'@'h' (using password:"
                + " YES)\n"); // truncated and rewritten
        again.pollOnce(got);
        assertEquals(List.of("root", "sa", "x"), got.column("user"));
        assertEquals("10.9.9.9", got.rows.get(1).after().get("host"));
    }

    @Test
    void poll_linesThatDoNotParse_areDeadLetteredAndTheStreamGoesOn() throws Exception {
        Path log = dir.resolve("u_ex261205.log");
        append(log, "2026-12-05 10:00:00 no fields line yet", FIELDS, "too few columns",
                "2026-12-05 10:00:00 10.0.0.1 GET / - 443 - 203.0.113.9 - 200");
        LogFileSource s = source("u_ex*.log", "w3c", "beginning");
        Collector got = new Collector();
        s.pollOnce(got);
        assertEquals(1, got.rows.size());
        assertEquals(2, s.unparsed());
        assertEquals(2, dead.size());
        assertTrue(dead.get(0).after().get("Line").toString().startsWith("2026-12-05 10:00:00 no fields"));
    }

    @Test
    void parse_mysql8AndMariaDbErrorLines_readUserAndHost() throws Exception {
        LineParser p = new LineParser(MAPPINGS.find(LogFileSource.MODULE, "mysql-error").orElseThrow(),
                java.time.ZoneOffset.UTC);
        var maria = p.parse("2026-12-05 15:09:37 3 [Warning] Access denied for user 'root'@'127.0.0.1' (using"
                + " password: YES)", null);
        assertEquals("root", maria.get("user"));
        assertEquals("2026-12-05T15:09:37Z", maria.get("TimeUtc"));
        var mysql = p.parse("2026-12-05T15:09:37.123456Z 12 [Note] [MY-010926] [Server] Access denied for user"
                + " 'app'@'localhost' (using password: NO)", null);
        assertEquals("app", mysql.get("user"));
        assertEquals("localhost", mysql.get("host"));
        assertEquals("NO", mysql.get("password"));
        var other = p.parse("Version: '10.11.6-MariaDB'  socket: '/run/mysqld/mysqld.sock'  port: 3306", null);
        assertEquals("", other.get("user"), "every line parses; only refused logins make events");
    }
}
