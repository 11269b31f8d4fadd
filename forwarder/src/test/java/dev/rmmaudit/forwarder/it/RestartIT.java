package dev.rmmaudit.forwarder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.ForwarderFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets and schema history under stateDir: a restart resumes where the forwarder stopped. */
class RestartIT {
    @TempDir
    Path dir;

    @Test
    void restart_changesWhileStopped_arriveOnceAndNothingIsRepeated() throws Exception {
        try (ForwarderFixture f = ForwarderFixture.start(dir)) {
            f.expect(1, "UPDATE users SET Name = 'alicia' WHERE Name = 'alice'");
            f.stopForwarder();
            f.sql("UPDATE users SET Email = 'new@msp.example' WHERE Name = 'carol'",
                    "DELETE FROM users WHERE Name = 'frank'");
            f.startForwarder();
            List<String> all = f.receiver.await(3, Duration.ofSeconds(30));
            Thread.sleep(1000);
            all = f.receiver.messages();
            assertEquals(List.of("user-renamed", "user-email-changed", "user-deleted"),
                    all.stream().map(m -> CefParser.parse(m).get("act")).toList(), String.join("\n", all));
            assertEquals(List.of("user-renamed"), f.expect(1, "UPDATE users SET Name = 'caroline' WHERE Name = 'carol'")
                    .stream().map(c -> c.get("act")).toList());
        }
    }
}
