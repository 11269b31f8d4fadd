package dev.rmmaudit.forwarder.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.testing.CefParser;
import dev.rmmaudit.forwarder.testing.CefParser.Cef;
import dev.rmmaudit.forwarder.testing.Events;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CefEncoderTest {
    private final CefEncoder encoder = new CefEncoder("1.0");

    @Test
    void encode_plainEvent_hasSevenHeaderFieldsAndStandardKeys() {
        Cef cef = CefParser.parse(encoder.encode(Events.withValue("mallory")));
        assertEquals(List.of("CEF:0", "ConnectWise", "Automate", "1.0", "user-renamed", "mallory", "5"), cef.header());
        assertEquals("1795256130123", cef.get("rt"));
        assertEquals("user-renamed", cef.get("act"));
        assertEquals("success", cef.get("outcome"));
        assertEquals("iam", cef.get("cat"));
        assertEquals("mallory", cef.get("suser"));
        assertEquals("mallory", cef.get("duser"));
        assertEquals("0123456789abcdef0123456789abcdef", cef.get("externalId"));
        assertEquals("userClasses", cef.get("cs1Label"));
        assertEquals("mallory,Admins", cef.get("cs1"));
        assertEquals("false", cef.get("cs2"));
        assertEquals("true", cef.get("cs3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x suser=admin", "a|b|c", "back\\slash", "a=b=c", "line\nbreak", "cr\rlf",
        "trailing\\", "\\=", "x cs1Label=forged cs1=forged", "end with space ", "ünïcødé 用户 😀", "|\\|\\\\|"})
    void encode_hostileValue_roundTripsThroughASpecParser(String hostile) {
        Cef cef = CefParser.parse(encoder.encode(Events.withValue(hostile)));
        assertEquals(hostile.replace('\n', ' ').replace('\r', ' '), cef.header().get(5), "header Name");
        assertEquals(hostile, cef.get("suser"));
        assertEquals(hostile, cef.get("duser"));
        assertEquals("User renamed to " + hostile, cef.get("msg"));
        assertEquals(hostile + ",Admins", cef.get("cs1"));
        assertEquals("userClasses", cef.get("cs1Label"), "a value must never forge another key");
        assertEquals("42", cef.get("duid"));
    }

    @Test
    void encode_sealedEvent_carriesSequenceAndLinksInLabelledCustomFields() {
        SecurityEvent e = Events.withValue("x").withSeal(new SecurityEvent.Seal("k1", "siem", 2, 17, "a".repeat(64),
                "b".repeat(64)));
        Cef cef = CefParser.parse(encoder.encode(e));
        assertEquals("eventSequence", cef.get("cn1Label"));
        assertEquals("17", cef.get("cn1"));
        assertEquals("2", cef.get("cn2"));
        assertEquals("eventHash", cef.get("flexString1Label"));
        assertEquals("b".repeat(64), cef.get("flexString1"));
        assertEquals("a".repeat(64), cef.get("flexString2"));
    }

    @Test
    void encode_userNamedLikeAField_doesNotForgeSuser() {
        SecurityEvent e = SecurityEvent.builder().id("1").time(java.time.Instant.EPOCH).action("user-created")
                .module("automate").targetUserName("x suser=admin").build();
        Cef cef = CefParser.parse(encoder.encode(e));
        assertEquals(null, cef.get("suser"), "no actor was given, so no suser may appear");
        assertEquals("x suser=admin", cef.get("duser"));
    }

    @Test
    void encode_64KiBValue_isCutToEachKeysLimit() {
        String huge = "A".repeat(64 * 1024);
        String line = encoder.encode(Events.withValue(huge));
        Cef cef = CefParser.parse(line);
        assertEquals(1023, cef.get("suser").length());
        assertEquals(1023, cef.get("msg").length());
        assertEquals(4000, cef.get("cs1").length());
        assertTrue(line.length() < 20_000, "line length " + line.length());
    }

    @Test
    void encode_surrogatePairAtLimit_isNotSplit() {
        String value = "a".repeat(1022) + "😀";
        String suser = CefParser.parse(encoder.encode(Events.withValue(value))).get("suser");
        assertEquals("a".repeat(1022), suser);
    }

    @Test
    void encode_controlCharacters_neverReachTheWireRaw() {
        String line = encoder.encode(Events.withValue("nul\u0000tab\tesc\u001bdel\u007f"));
        for (char c : line.toCharArray()) {
            assertFalse(c < 0x20 || c == 0x7f, "raw control character " + (int) c);
        }
        assertEquals("nul\\u0000tab\\u0009esc\\u001bdel\\u007f", CefParser.parse(line).get("duser"));
    }

    /** Each character the format or a parser treats specially, alone after plain text and at the very start. */
    @ParameterizedTest
    @ValueSource(chars = {'\u0000', '\t', '\u001f', '\u007f', '\u0080', '\u009f', '\u2028', '\u2029', '\\', '=',
        '|', '\n', '\r'})
    void encode_specialCharacterAfterPlainText_isEscapedInHeaderAndExtension(char special) {
        for (String value : List.of("plain" + special + "tail", special + "tail", "plain" + special)) {
            String line = encoder.encode(Events.withValue(value));
            for (char c : line.toCharArray()) {
                assertFalse(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029',
                        "raw character " + (int) c + " in " + line);
            }
            Cef cef = CefParser.parse(line);
            boolean control = special < 0x20 && special != '\n' && special != '\r' || special >= 0x7f;
            String escaped = control ? String.format("\\u%04x", (int) special) : null;
            String inExtension = escaped != null ? value.replace(String.valueOf(special), escaped) : value;
            String inHeader = special == '\n' || special == '\r' ? value.replace(special, ' ') : inExtension;
            assertEquals(inExtension, cef.get("duser"), "extension value of " + (int) special);
            assertEquals(inHeader, cef.header().get(5), "header Name of " + (int) special);
            assertEquals("userClasses", cef.get("cs1Label"), "a value must never forge another key");
        }
    }

    @Test
    void encode_ipv6Source_goesToC6a2() {
        SecurityEvent e = SecurityEvent.builder().id("1").time(java.time.Instant.EPOCH).action("user-login")
                .module("automate").sourceAddress("2001:db8::1").build();
        Cef cef = CefParser.parse(encoder.encode(e));
        assertEquals("2001:db8::1", cef.get("c6a2"));
        assertEquals(null, cef.get("src"));
        SecurityEvent v4 = SecurityEvent.builder().id("1").time(java.time.Instant.EPOCH).action("user-login")
                .module("automate").sourceAddress("203.0.113.9").build();
        assertEquals("203.0.113.9", CefParser.parse(encoder.encode(v4)).get("src"));
    }
    /** What the changes and details fields held when they were built as Jackson trees (the reference). */
    private static String treeChanges(SecurityEvent e) {
        com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        e.changes().forEach((k, c) -> n.putObject(k).put("from", c.from()).put("to", c.to()));
        return n.toString();
    }

    private static String treeDetails(SecurityEvent e) {
        com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        if (e.targetUserEmail() != null) {
            n.put("target.email", e.targetUserEmail());
        }
        e.attributes().forEach(n::put);
        return n.toString();
    }

    @Test
    void encode_changesAndDetails_sameJsonAsTheTreesTheyReplaced() {
        java.time.Instant t = java.time.Instant.parse("2026-11-21T10:15:30Z");
        List<SecurityEvent> events = List.of(Events.withValue("mallory"), Events.withValue("\"}\u0000😀\r\n=|\\"),
                SecurityEvent.builder().id("a").time(t).module("automate").action("x").targetUserEmail("e@x")
                        .change("Email", new SecurityEvent.Change(null, "n@x"))
                        .change("\"k\\", new SecurityEvent.Change("1", null))
                        .attribute("class.id", "7").attribute("target.email", "replaced").attribute("none", null)
                        .build(),
                SecurityEvent.builder().id("b").time(t).module("automate").action("y").attribute("a", "1").build(),
                SecurityEvent.builder().id("c").time(t).module("automate").action("z").targetUserEmail("only@x")
                        .build());
        for (SecurityEvent e : events) {
            Cef cef = CefParser.parse(encoder.encode(e));
            assertEquals(e.changes().isEmpty() ? null : treeChanges(e), cef.get("cs4"), e.toString());
            assertEquals(e.attributes().isEmpty() && e.targetUserEmail() == null ? null : treeDetails(e),
                    cef.get("cs5"), e.toString());
        }
    }

    @Test
    void encode_changesAndDetailsOfRandomText_sameJsonAsJacksonWrites() {
        java.util.Random random = new java.util.Random(13);
        char[] alphabet = {'a', 'Z', '0', ' ', '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f',
            '\u007f', '\u0080', '\u2028', '\u00e9', '\ud83d', '\ude00', '=', '|', '{', '}', ':'};
        java.time.Instant t = java.time.Instant.parse("2026-11-21T10:15:30Z");
        for (int i = 0; i < 3000; i++) {
            SecurityEvent.Builder b = SecurityEvent.builder().id("r" + i).time(t).module("automate").action("x");
            if (random.nextBoolean()) {
                b.targetUserEmail(text(random, alphabet));
            }
            for (int n = random.nextInt(3); n > 0; n--) {
                b.change(text(random, alphabet), new SecurityEvent.Change(random.nextInt(4) == 0 ? null
                        : text(random, alphabet), random.nextInt(4) == 0 ? null : text(random, alphabet)));
                b.attribute(text(random, alphabet), random.nextInt(4) == 0 ? null : text(random, alphabet));
            }
            SecurityEvent e = b.build();
            Cef cef = CefParser.parse(encoder.encode(e));
            assertEquals(e.changes().isEmpty() ? null : asCefText(treeChanges(e)), cef.get("cs4"), e.toString());
            assertEquals(e.attributes().isEmpty() && e.targetUserEmail() == null ? null : asCefText(treeDetails(e)),
                    cef.get("cs5"), e.toString());
        }
    }

    /** JSON leaves DEL, C1 and U+2028/9 raw; CEF writes them as text (see encode_controlCharacters_…). */
    private static String asCefText(String json) {
        StringBuilder out = new StringBuilder();
        for (char c : json.toCharArray()) {
            boolean control = c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            out.append(control ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static String text(java.util.Random random, char[] alphabet) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }
}
