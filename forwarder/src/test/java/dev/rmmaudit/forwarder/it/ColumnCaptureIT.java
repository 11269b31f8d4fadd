package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium captures only the columns the mappings read (its column include list), matched as the database
 * matches them, without case: a mapping that writes the sample's columns in other cases, and names some only in
 * its condition, its secret list or its placeholders, still gets every value it reads, over a real binlog.
 */
class ColumnCaptureIT {
    @TempDir
    static Path dir;
    static ForwarderFixture f;

    @BeforeAll
    static void start() throws Exception {
        Path mappings = dir.resolve("mappings");
        Files.createDirectories(mappings.resolve("automate"));
        Files.writeString(mappings.resolve("automate/users.yml"), """
                table: users
                key: userid
                role: users
                secret: [PASSWORD]
                columns:
                  id: userid
                  name: NAME
                  email: email
                  classes: clientid
                events:
                  - action: user-email-changed
                    when: {changed: email}
                    message: "E-mail of {name} changed from {before.email} to {after.email}"
                  - action: user-password-changed
                    when: {changed: password}
                    message: "Password of {name} changed"
                  - action: ticket-level-changed
                    when: {changed: ticketlevel}
                    message: "Ticket level of {name}: {before.TICKETLEVEL} to {after.TicketLevel} ({before.COMMANDlevel})"
                """);
        f = ForwarderFixture.prepare(dir.resolve("run")).mappings(mappings);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.rmmaudit.forwarder.source.automate.AutomateSource.class);
        started.start();
        log.addAppender(started);
        try {
            f.startForwarder();
        } finally {
            log.detachAppender(started);
        }
    }

    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> started =
            new ch.qos.logback.core.read.ListAppender<>();

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void start_logsTheColumnsCapturedPerTable() {
        assertTrue(started.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(
                "table users: capturing columns userid, clientid, COMMANDlevel, email, NAME, PASSWORD, ticketlevel ")),
                started.list::toString);
    }

    @Test
    void update_columnsNamedInAnotherCase_areCapturedAndReported() throws Exception {
        List<Cef> e = f.expect(1, "UPDATE users SET Email = 'new@example.org' WHERE Name = 'alice'");
        assertEquals("user-email-changed", e.get(0).get("act"));
        assertEquals("E-mail of alice changed from alice@msp.example to new@example.org", e.get(0).get("msg"));

        e = f.expect(1, "UPDATE users SET Password = 'x' WHERE Name = 'alice'");
        assertEquals("Password of alice changed", e.get(0).get("msg"));

        e = f.expect(1, "UPDATE users SET TicketLevel = 3, CommandLevel = 7 WHERE Name = 'alice'");
        assertEquals("Ticket level of alice: 0 to 3 (0)", e.get(0).get("msg"),
                "a column named only in a placeholder is captured too");

        f.expect(0, "UPDATE users SET OpenTickets = OpenTickets + 1, FolderID = 4");
    }
}
