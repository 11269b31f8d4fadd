package dev.rmmaudit.forwarder.source.automate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.config.AutomateSourceConfig;
import dev.rmmaudit.forwarder.config.Secret;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinlogGapExceptionTest {
    private static RuntimeException wrapped(String serverMessage) {
        return new RuntimeException("An exception occurred in the change event producer. This connector will be stopped.",
                new IllegalStateException(serverMessage + " Error code: 1236; SQLSTATE: HY000."));
    }

    @Test
    void isGap_whatEachServerSaysWhenThePositionIsGone_isRecognised() {
        assertTrue(BinlogGapException.isGap(wrapped("Could not find GTID state requested by slave in any binlog "
                + "files. Probably the slave state is too old and required binlog files have been purged.")));
        assertTrue(BinlogGapException.isGap(wrapped("Cannot replicate because the master purged required binary "
                + "logs. Replicate the missing transactions from elsewhere, or provision a new slave from backup. "
                + "Consider increasing the master's binary log expiration period. The GTID set sent by the slave "
                + "is '', and the missing transactions are 'x'. The master has purged binary logs containing GTIDs "
                + "that the slave requires.")));
        assertTrue(BinlogGapException.isGap(wrapped("Could not find first log file name in binary log index file")));
        assertTrue(BinlogGapException.isGap(wrapped("The connector is trying to read binlog starting at "
                + "binlog.000001:4, but this is no longer available on the server.")));
    }

    @Test
    void isGap_otherFatalBinlogErrors_areNot() {
        assertFalse(BinlogGapException.isGap(wrapped("log event entry exceeded max_allowed_packet; Increase "
                + "max_allowed_packet on master")));
        assertFalse(BinlogGapException.isGap(new RuntimeException("Access denied for user 'forwarder'")));
    }

    @Test
    void message_saysWhatHappenedAndHowToRecover() {
        AutomateSourceConfig c = new AutomateSourceConfig("mysql", "db.example", 3306, "fwd", new Secret("pw"),
                "labtech", 1, Path.of("/var/lib/forwarder"), "required", "none", Map.of());
        String m = new BinlogGapException(c, "purged", null).getMessage();
        assertTrue(m.contains("/var/lib/forwarder"), m);
        assertTrue(m.contains("db.example:3306"), m);
        assertTrue(m.contains("--resnapshot"), m);
        assertEquals(-1, m.indexOf("pw "), m);
    }
}
