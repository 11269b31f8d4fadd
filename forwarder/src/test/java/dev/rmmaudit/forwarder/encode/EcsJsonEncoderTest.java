package dev.rmmaudit.forwarder.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.testing.Events;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EcsJsonEncoderTest {
    private final ObjectMapper json = new ObjectMapper();
    private final EcsJsonEncoder encoder = new EcsJsonEncoder();

    @Test
    void encode_iamChange_usesEcsFieldNames() throws Exception {
        JsonNode n = json.readTree(encoder.encode(Events.withValue("mallory")));
        assertEquals("2026-11-21T10:15:30.123Z", n.at("/@timestamp").asText());
        assertEquals("iam", n.at("/event/category/0").asText());
        assertEquals("user", n.at("/event/type/0").asText());
        assertEquals("change", n.at("/event/type/1").asText());
        assertEquals("user-renamed", n.at("/event/action").asText());
        assertEquals("success", n.at("/event/outcome").asText());
        assertEquals("0123456789abcdef0123456789abcdef", n.at("/event/id").asText());
        assertEquals("mallory", n.at("/user/name").asText());
        assertEquals("mallory", n.at("/user/target/name").asText());
        assertEquals("Admins", n.at("/user/target/group/name/1").asText());
        assertEquals("mallory", n.at("/related/user/0").asText());
        assertTrue(n.at("/automate/super_admin/after").asBoolean());
        assertFalse(n.at("/automate/super_admin/before").asBoolean());
        assertEquals("old", n.at("/automate/changes/Name/from").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"}, \"injected\": {\"", "line\nbreak\u0000nul", "\\", "ünïcødé 😀", "</script>"})
    void encode_hostileValue_staysOneValidObjectOnOneLine(String hostile) throws Exception {
        String line = encoder.encode(Events.withValue(hostile));
        assertFalse(line.contains("\n"));
        JsonNode n = json.readTree(line);
        assertEquals(hostile, n.at("/user/target/name").asText());
        assertFalse(n.has("injected"));
    }
}
