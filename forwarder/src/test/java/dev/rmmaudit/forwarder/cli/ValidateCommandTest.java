package dev.rmmaudit.forwarder.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.rmmaudit.forwarder.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path dir;

    @Test
    void validate_badConfigAndBadMapping_listsEveryProblemAndExits2() throws Exception {
        Files.createDirectories(dir.resolve("maps/automate"));
        Files.writeString(dir.resolve("maps/automate/users.yml"), "table: users\nkey: UserID\nevents: []\n");
        Path cfg = dir.resolve("f.yml");
        Files.writeString(cfg, """
                source:
                  type: automate
                  host: db
                  user: forwarder
                  password: hunter2-not-shown
                  port: 0
                mappings: maps
                sinks:
                  - type: syslog
                    host: siem
                    protocol: tls
                    tls: {caFile: missing-ca.pem}
                """);
        String[] out = {CliRun.run(2, "validate", "--config", cfg.toString())};
        assertTrue(out[0].contains("f.yml:6 source.port: must be a whole number from 1 to 65535, not 0"), out[0]);
        assertTrue(out[0].contains("users.yml:1: a mapping needs at least one entry under 'events'"), out[0]);
        assertTrue(out[0].contains("tls.caFile: cannot read"), out[0]);
        assertFalse(out[0].contains("hunter2"), "a secret must not appear in an error");
    }

    @Test
    void validate_goodConfig_exits0() throws Exception {
        Path cfg = dir.resolve("ok.yml");
        Files.writeString(cfg, "source: {type: automate, host: db, user: f}\nsinks: [{type: stdout}]\n");
        String[] out = {CliRun.run(0, "validate", "--config", cfg.toString())};
        assertTrue(out[0].contains("valid (1 sinks, 19 table mappings, 32 rules)"), out[0]);
    }

    @Test
    void help_listsVerbsAndExitCodes() {
        String[] out = {CliRun.run(0, "--help")};
        for (String s : new String[] {"run", "validate", "demo", "Exit codes:", "3   demo: no database"}) {
            assertTrue(out[0].contains(s), s + " in\n" + out[0]);
        }
    }

    @Test
    void unknownVerb_exits2WithUsage() {
        String[] out = {CliRun.run(2, "frobnicate")};
        assertTrue(out[0].contains("Usage: forwarder"), out[0]);
    }
}
