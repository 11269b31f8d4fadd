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

    /** Events that exercise every branch of the ECS layout, including attribute paths that collide. */
    private static java.util.List<dev.rmmaudit.forwarder.event.SecurityEvent> variety() {
        java.util.List<dev.rmmaudit.forwarder.event.SecurityEvent> out = new java.util.ArrayList<>();
        out.add(Events.withValue("mallory"));
        for (String hostile : new String[] {"\"}, \"x\": {\"", "a.b", "", "😀", "line\nbreak"}) {
            out.add(Events.withValue(hostile));
        }
        java.time.Instant t = java.time.Instant.parse("2026-11-21T10:15:30Z");
        var b = dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i").time(t).action("a");
        out.add(b.build()); // no module, no category, nothing optional
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i2").time(t).module("automate")
                .action("x").actor("bob").targetUserName("bob").targetGroups(java.util.List.of("A", "B", "A"))
                .superAdmin(null, true).change("Email", new dev.rmmaudit.forwarder.event.SecurityEvent.Change(null,
                        "n@x")).change("a.b", new dev.rmmaudit.forwarder.event.SecurityEvent.Change("1", "2"))
                .attribute("class.id", "7").attribute("class.name", "Admins").attribute("super_admin.via", "Admins")
                .attribute("changes.Email", "replaced").attribute("plain", "v").attribute("plain.child", "w")
                .attribute("obj.inner", "x").attribute("obj", "y").attribute("origin.server", "gone")
                .attribute("", "empty").attribute("x..y", "z").attribute("t.", "trailing").attribute("..", "dots")
                .attribute(".lead", "l").attribute("u..", "two trailing")
                .origin(new dev.rmmaudit.forwarder.event.SecurityEvent.Origin("db", null, "users", "p")).build());
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i3").time(t).module("message").action("y")
                .message("replaced by the vendor object").targetUserId("9").build());
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i5").time(t).module("automate")
                .dataset("automate.alerts").action("burst").category("authentication").types(java.util.List.of("info"))
                .actor("bob").sourceAddress("192.0.2.1").attribute("rule.level", "high").attribute("rule.count", "5")
                .alert("failed_login_burst", "Failed-login burst", java.util.List.of("e1", "e2")).build());
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i4").time(t).action("alert").alert("r",
                "R", java.util.List.of("e")).build()); // an alert without a module: its vendor is rmm_audit
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i6").time(t).module("screenconnect")
                .action("role-added").superAdmin(false, null).change("Roles", new dev.rmmaudit.forwarder.event
                        .SecurityEvent.Change("a", "a,b")).attribute("session.name", "s1")
                .origin(new dev.rmmaudit.forwarder.event.SecurityEvent.Origin("sc", "Session.db", "SecurityEvent",
                        "rowid 5")).build()); // another module's object, with every part
        String odd = "q\"b\\s\u0001\n\u00fc\uD83D\uDE00</";
        out.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("i7").time(t).module("m" + odd)
                .dataset("d" + odd).action("a" + odd).category("c" + odd).types(java.util.List.of("t" + odd, odd))
                .origin(new dev.rmmaudit.forwarder.event.SecurityEvent.Origin("s" + odd, "d" + odd, "t" + odd, odd))
                .alert("r" + odd, "n" + odd, java.util.List.of()).build()); // repeated values, escaped as any
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : java.util.List.copyOf(out)) { // each sealed, too
            out.add(e.withSeal(new dev.rmmaudit.forwarder.event.SecurityEvent.Seal("k", "siem", 3, 42, "0".repeat(64),
                    "f".repeat(64))));
        }
        return out;
    }

    @Test
    void flat_everyLayoutBranch_equalsTheFlattenedDocument() {
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : variety()) {
            java.util.Map<String, java.util.List<String>> fromTree = dev.rmmaudit.forwarder.rule.EventView.of(
                    encoder.toEcs(e)).fields();
            assertEquals(fromTree, encoder.flat(e), e.toString());
        }
    }

    @Test
    void flatWanted_oneSetOverEventsOfEveryModule_equalsEachWholeViewRestricted() {
        java.util.Set<String> all = new java.util.HashSet<>();
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : variety()) {
            all.addAll(encoder.flat(e).keySet());
        }
        java.util.Set<String> notAutomate = new java.util.HashSet<>(all);
        notAutomate.removeIf(n -> n.startsWith("automate."));
        for (java.util.Set<String> names : java.util.List.of(all, notAutomate)) {
            EcsJsonEncoder.WantedFields wanted = new EcsJsonEncoder.WantedFields(names);
            for (int round = 0; round < 2; round++) { // the second round reads what the first worked out per module
                for (dev.rmmaudit.forwarder.event.SecurityEvent e : variety()) {
                    java.util.Map<String, java.util.List<String>> expected = new java.util.LinkedHashMap<>(
                            encoder.flat(e));
                    expected.keySet().retainAll(names);
                    assertEquals(expected, encoder.flat(e, wanted), e.toString());
                }
            }
        }
    }

    @Test
    void flatWanted_anyNames_equalsTheWholeViewRestrictedToThem() {
        java.util.Random random = new java.util.Random(7);
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : variety()) {
            java.util.Map<String, java.util.List<String>> whole = encoder.flat(e);
            java.util.List<String> names = new java.util.ArrayList<>(whole.keySet());
            java.util.List<java.util.Set<String>> wanted = new java.util.ArrayList<>(java.util.List.of(
                    java.util.Set.of(), java.util.Set.of("event.id", "no.such.field"), java.util.Set.copyOf(names),
                    java.util.Set.of("@timestamp", "event.severity"), java.util.Set.of("automate.changes.Email.to"),
                    java.util.Set.of("automate.origin.server", "automate.class.id", "automate.plain.child")));
            for (int i = 0; i < 20; i++) {
                java.util.Set<String> some = new java.util.HashSet<>();
                names.forEach(n -> {
                    if (random.nextBoolean()) {
                        some.add(n);
                    }
                });
                wanted.add(some);
            }
            for (java.util.Set<String> w : wanted) {
                java.util.Map<String, java.util.List<String>> expected = new java.util.LinkedHashMap<>(whole);
                expected.keySet().retainAll(w);
                EcsJsonEncoder.WantedFields only = new EcsJsonEncoder.WantedFields(w);
                assertEquals(expected, encoder.flat(e, only), w + " of " + e);
                assertEquals(java.util.List.copyOf(expected.keySet()),
                        java.util.List.copyOf(encoder.flat(e, only).keySet()), "in the same order");
            }
        }
    }

    @Test
    void encode_everyLayoutBranch_isByteForByteTheSerialisedTree() throws Exception {
        java.util.List<dev.rmmaudit.forwarder.event.SecurityEvent> events = new java.util.ArrayList<>(variety());
        events.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("r").time(java.time.Instant.EPOCH)
                .module("rule").action("x").alert("a", "A", java.util.List.of("e")).build()); // module named "rule"
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : events) {
            assertEquals(json.writeValueAsString(encoder.toEcs(e)), encoder.encode(e), e.toString());
        }
    }
    @Test
    void encode_moduleObject_isByteForByteItsTree_flatOrNot() throws Exception {
        java.time.Instant t = java.time.Instant.parse("2026-11-21T10:15:30Z");
        java.util.List<dev.rmmaudit.forwarder.event.SecurityEvent> events = new java.util.ArrayList<>(variety());
        // flat: attributes without dots, nulls in changes and origin, both SuperAdmin flags, hostile names
        events.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("f").time(t).module("automate")
                .action("x").superAdmin(false, true).change("Email", new dev.rmmaudit.forwarder.event.SecurityEvent
                        .Change("a@x", null)).change("\"}", new dev.rmmaudit.forwarder.event.SecurityEvent.Change(null,
                        "\u0000😀")).attribute("audit_level", "5").attribute("gained", null)
                .attribute("\"},\"x\":1", "v\n").attribute("", "empty")
                .origin(new dev.rmmaudit.forwarder.event.SecurityEvent.Origin("db", null, null, "p")).build());
        events.add(dev.rmmaudit.forwarder.event.SecurityEvent.builder().id("g").time(t).module("screenconnect")
                .action("y").attribute("origin", "collides with a section").build());
        for (dev.rmmaudit.forwarder.event.SecurityEvent e : events) {
            String vendor = e.module() == null ? "rmm_audit" : e.module();
            if (java.util.Set.of("@timestamp", "ecs", "event", "message", "rule", "rmm_audit", "user", "source",
                    "related").contains(vendor)) {
                continue; // a module named like a top-level field: the whole document comes from the tree
            }
            String expected = json.writeValueAsString(EcsJsonEncoder.vendorTree(e));
            String doc = encoder.encode(e);
            assertTrue(doc.endsWith("," + json.writeValueAsString(vendor) + ":" + expected + "}"),
                    e + "\n" + doc + "\n" + expected);
        }
    }
}
