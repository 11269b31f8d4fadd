package dev.rmmaudit.forwarder.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainTest {
    @TempDir
    Path dir;

    @Test
    void load_firstStart_makesAnOwnerOnlyKey() throws Exception {
        ChainKey k = ChainKey.load(dir);
        Path file = dir.resolve(ChainKey.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Files.size(file));
        assertEquals(k.id(), ChainKey.load(dir).id(), "the same key at the next start");
        assertEquals(k.id(), ChainKey.read(writeExport()).id(), "the exported key names the same key");
    }

    @Test
    void seal_consecutiveEvents_linkEachToThePrevious() throws Exception {
        Chain c = Chain.open(ChainKey.load(dir), "siem", dir);
        SecurityEvent a = c.seal(Events.withValue("a"));
        SecurityEvent b = c.seal(Events.withValue("b"));
        assertEquals(1, a.seal().sequence());
        assertEquals(Canonical.GENESIS, a.seal().previous());
        assertEquals(2, b.seal().sequence());
        assertEquals(a.seal().hash(), b.seal().previous());
        assertEquals(1, b.seal().run());
        assertTrue(b.seal().hash().matches("[0-9a-f]{64}"));
    }

    @Test
    void seal_documentAsTheSiemKeepsIt_linkRecomputes() throws Exception {
        ChainKey key = ChainKey.load(dir);
        SecurityEvent e = Chain.open(key, "siem", dir).seal(Events.withValue("x \"y\" \u00e9\n"));
        String json = new EcsJsonEncoder().encode(e);
        var doc = new ObjectMapper().readTree(json);
        assertEquals(e.seal().hash(), Canonical.link(key.newMac(), e.seal().previous(), Canonical.flatten(doc)));
    }

    @Test
    void kept_outOfOrder_commitsOnlyWhatIsContiguous() throws Exception {
        ChainKey key = ChainKey.load(dir);
        Chain c = Chain.open(key, "siem", dir);
        SecurityEvent[] e = new SecurityEvent[6];
        for (int i = 0; i < 6; i++) {
            e[i] = c.seal(Events.withValue("v" + i));
        }
        c.kept(new Chain.Range(4, 6, e[5].seal().hash()));
        assertEquals(0, committed(), "4..6 alone move nothing: 1..3 are not delivered");
        c.kept(new Chain.Range(1, 3, e[2].seal().hash()));
        assertEquals(6, committed());
        Chain third = Chain.open(key, "siem", dir);
        assertEquals("6", third.started("h", Instant.EPOCH).attributes().get("chain.resumed_after"));
        assertEquals(2, third.run(), "every start is a new run");
        SecurityEvent next = third.seal(Events.withValue("after"));
        assertEquals(7, next.seal().sequence());
        assertEquals(e[5].seal().hash(), next.seal().previous(), "the next run links to the committed head");
    }

    @Test
    void rollback_eventsNotKept_numbersAreUsedAgain() throws Exception {
        Chain c = Chain.open(ChainKey.load(dir), "siem", dir);
        c.seal(Events.withValue("a"));
        Chain.Mark m = c.mark();
        SecurityEvent dropped = c.seal(Events.withValue("b"));
        c.rollback(m);
        SecurityEvent again = c.seal(Events.withValue("c"));
        assertEquals(dropped.seal().sequence(), again.seal().sequence());
        assertEquals(dropped.seal().previous(), again.seal().previous());
        assertNotEquals(dropped.seal().hash(), again.seal().hash());
    }

    private long committed() throws Exception {
        return new ObjectMapper().readTree(dir.resolve("chain/siem.json").toFile()).path("sequence").asLong();
    }

    private Path writeExport() throws Exception {
        Path f = dir.resolve("exported.key");
        Files.writeString(f, ChainKey.export(dir) + "\n");
        return f;
    }
}
