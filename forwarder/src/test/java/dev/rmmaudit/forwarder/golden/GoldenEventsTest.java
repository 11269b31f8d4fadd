package dev.rmmaudit.forwarder.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rmmaudit.forwarder.encode.CefEncoder;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.EventMapper;
import dev.rmmaudit.forwarder.mapping.MappingLoader;
import dev.rmmaudit.forwarder.source.RowChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden files in {@code samples/events/}: row changes paired with the exact CEF and ECS lines they
 * must produce. A SOC's parsers depend on this output; a change to it must be deliberate and reviewed.
 */
class GoldenEventsTest {
    private static final Path DIR = Path.of("..", "samples", "events");
    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Test
    void automateCases_matchTheGoldenCefAndJson() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("automate-cases.yml").toFile());
        AutomateDirectory directory = new AutomateDirectory();
        for (JsonNode c : spec.at("/directory/classes")) {
            directory.putClass(new AutomateDirectory.UserClass(c.get("id").asText(), c.get("name").asText(),
                    c.get("permissions").asLong()));
        }
        for (JsonNode u : spec.at("/directory/users")) {
            directory.putUser(new AutomateDirectory.User(u.get("id").asText(), u.get("name").asText(),
                    u.get("email").asText(), List.of(u.get("classes").asText().split(","))));
        }
        EventMapper mapper = new EventMapper(MappingLoader.load(null), directory);
        CefEncoder cef = new CefEncoder("0.1.0");
        EcsJsonEncoder json = new EcsJsonEncoder();
        List<String> cefLines = new ArrayList<>();
        List<String> jsonLines = new ArrayList<>();
        for (JsonNode c : spec.get("cases")) {
            RowChange change = new RowChange(RowChange.Op.valueOf(c.get("op").asText().toUpperCase()), "automate-db:3306",
                    "labtech", c.get("table").asText(), row(c.get("before")), row(c.get("after")),
                    Instant.parse(c.get("time").asText()), c.get("position").asText());
            List<SecurityEvent> events = mapper.map("automate", change);
            assertFalse(events.isEmpty(), "case '" + c.get("name").asText() + "' made no event");
            for (SecurityEvent e : events) {
                cefLines.add(cef.encode(e));
                jsonLines.add(json.encode(e));
            }
        }
        check(DIR.resolve("automate-cases.cef"), cefLines);
        check(DIR.resolve("automate-cases.jsonl"), jsonLines);
        for (String line : cefLines) {
            for (String secret : List.of("9f1c0ffee", "aa11", "bb22", "cc33", "dd44")) {
                assertFalse(line.contains(secret), line);
            }
        }
    }

    private static void check(Path file, List<String> actual) throws Exception {
        if (Boolean.getBoolean("golden.update")) {
            Files.write(file, actual, StandardCharsets.UTF_8);
        }
        List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(String.join("\n", expected), String.join("\n", actual), "golden file " + file.getFileName()
                + " differs; if the change is intended, regenerate with -Dgolden.update=true and review the diff");
    }

    private static Map<String, Object> row(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        n.fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            Object value;
            if (v.isInt() || v.isLong()) {
                value = v.asLong();
            } else if (v.asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")) {
                value = LocalDateTime.parse(v.asText(), SQL_TIME);
            } else {
                value = v.asText();
            }
            out.put(f.getKey(), value);
        });
        return out;
    }
}
