package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import dev.rmmaudit.forwarder.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network between the forwarder and the database fails under a running forwarder, through a relay the
 * test controls: connections reset (and refused for a while), or a dead path that passes no byte and resets
 * nothing. Changes written meanwhile arrive once the path is back, none lost.
 */
class NetworkCutIT {
    @TempDir
    Path dir;

    private static List<String> users(ForwarderFixture f, int n) throws Exception {
        return f.receiver.await(n, Duration.ofSeconds(90)).stream().map(m -> CefParser.parse(m).get("duser"))
                .toList();
    }

    @Test
    void connectionsReset_forwarderReconnectsAndForwardsWhatWasWrittenMeanwhile() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir);
                TcpProxy proxy = new TcpProxy(f.db.host(), f.db.port())) {
            f.sourcePort(proxy.port()).startForwarder();
            f.sql("UPDATE users SET Name = 'before-cut' WHERE Name = 'alice'");
            assertEquals(List.of("before-cut"), users(f, 1));
            proxy.reset();
            f.sql("UPDATE users SET Name = 'during-cut' WHERE Name = 'bob'");
            Thread.sleep(8_000); // refused for longer than a keep-alive round
            proxy.restore();
            f.sql("UPDATE users SET Name = 'after-cut' WHERE Name = 'carol'");
            assertEquals(List.of("before-cut", "during-cut", "after-cut"), users(f, 3));
            assertTrue(proxy.connections() >= 1, "reconnected through the relay");
        }
    }

    @Test
    void deadPath_forwarderReconnectsOnceThePathIsBackAndLosesNothing() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.prepare(dir);
                TcpProxy proxy = new TcpProxy(f.db.host(), f.db.port())) {
            f.sourcePort(proxy.port()).startForwarder();
            f.sql("UPDATE users SET Name = 'before-cut' WHERE Name = 'alice'");
            assertEquals(List.of("before-cut"), users(f, 1));
            proxy.blackhole();
            f.sql("UPDATE users SET Name = 'during-cut' WHERE Name = 'bob'");
            Thread.sleep(15_000);
            proxy.reset(); // the dead connections are finally torn down, as a path that comes back does
            proxy.restore();
            f.sql("UPDATE users SET Name = 'after-cut' WHERE Name = 'carol'");
            assertEquals(List.of("before-cut", "during-cut", "after-cut"), users(f, 3));
        }
    }
}
