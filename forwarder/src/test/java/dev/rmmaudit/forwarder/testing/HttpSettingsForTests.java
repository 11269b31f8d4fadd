package dev.rmmaudit.forwarder.testing;

import dev.rmmaudit.forwarder.config.HttpSettings;
import dev.rmmaudit.forwarder.config.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;

/** HTTP sink settings with short waits, for tests. */
public final class HttpSettingsForTests {
    private HttpSettingsForTests() {
    }

    public static HttpSettings of(Path deadLetters, int maxEvents, boolean gzip, int maxRetries) {
        return new HttpSettings(Duration.ofMillis(800), TlsConfig.DEFAULT, maxEvents, 1_000_000, Duration.ofMillis(50),
                gzip, maxRetries,
                Duration.ofMillis(20), Duration.ofMillis(200), deadLetters);
    }
}
