package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flavor: mysql} (Debezium's MySQL connector, the one Automate's MySQL 8 needs) on the test server.
 * Against MySQL 8 (Docker) it is the native case; against MariaDB the 3.5 MySQL connector follows the
 * binlog by file and position, which is enough to prove the configuration and the record handling.
 */
class MySqlConnectorIT {
    @TempDir
    Path dir;

    @Test
    void mysqlFlavor_deliversTheSameEvents() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir).flavor("mysql")) {
            f.startForwarder();
            List<Cef> e = f.expect(2, "UPDATE users SET ClientID = '2,1,' WHERE Name = 'bob'");
            assertEquals(List.of("user-class-added", "user-superadmin-granted"), e.stream().map(c -> c.get("act"))
                    .toList());
            assertEquals(List.of("user-deleted"), f.expect(1, "DELETE FROM users WHERE Name = 'frank'").stream()
                    .map(c -> c.get("act")).toList());
        }
    }
}
