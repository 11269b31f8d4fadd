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
    private static final Env ENV = Env.of(Map.of("FORWARDER_DB_PASSWORD", "x", "FORWARDER_SYSLOG_HOST", "siem",
            "SPLUNK_HEC_TOKEN", "t", "ELASTIC_API_KEY", "k", "SENTINEL_CLIENT_SECRET", "s", "SOAR_API_KEY", "a"));

    @Test
    void load_everyShippedSample_isValid() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.list(Path.of("..", "samples", "config")),
                Stream.of(Path.of("..", "packaging", "container", "forwarder.yml")))) {
            files = s.filter(p -> p.toString().endsWith(".yml")).toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            try {
                ForwarderConfig.load(f, ENV);
            } catch (ConfigException e) {
                throw new AssertionError(f + ":\n" + e.getMessage(), e);
            }
        }
    }
}
