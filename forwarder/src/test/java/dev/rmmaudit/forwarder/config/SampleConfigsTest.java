package dev.rmmaudit.forwarder.config;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every configuration we ship as an example must be valid, or the docs lie. */
class SampleConfigsTest {
    private static final Env ENV = Env.of(Map.of("FORWARDER_DB_PASSWORD", "x", "FORWARDER_SYSLOG_HOST", "siem"));

    @Test
    void load_everyShippedSample_isValid() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("..", "samples", "config")),
                Stream.of(Path.of("..", "packaging", "container", "forwarder.yml")))) {
            files = s.filter(p -> p.toString().endsWith(".yml")).toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            ForwarderConfig.load(f, ENV);
        }
    }
}
