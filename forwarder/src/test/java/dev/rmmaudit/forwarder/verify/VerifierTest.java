package dev.rmmaudit.forwarder.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.chain.ChainKey;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.sink.sentinel.SentinelSink;
import dev.rmmaudit.forwarder.testing.Events;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EcsJsonEncoder ECS = new EcsJsonEncoder();

    @TempDir
    Path dir;
    ChainKey key;

    @BeforeEach
    void key() throws Exception {
        key = ChainKey.load(dir);
    }

    /** {@code n} events of one run, every one kept. */
    private List<SecurityEvent> run(int n) throws Exception {
        Chain c = Chain.open(key, "siem", dir);
        List<SecurityEvent> out = new ArrayList<>();
        out.add(c.seal(c.started("host", Instant.parse("2026-12-05T10:00:00Z"))));
        for (int i = 0; i < n; i++) {
            out.add(c.seal(Events.withValue("v" + out.size() + "-" + c.run())));
        }
        c.kept(Chain.Range.of(out));
        return out;
    }

    private static List<String> lines(List<SecurityEvent> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(ECS.encode(e)));
        return out;
    }

    private Report verify(List<String> lines) {
        return new Verifier(List.of(key)).verify(String.join("\n", lines));
    }

    @Test
    void verify_cleanExportInAnyOrder_passes() throws Exception {
        List<String> lines = lines(run(20));
        Collections.shuffle(lines, new Random(7));
        Report r = verify(lines);
        assertTrue(r.ok(), ReportText.text(r));
        assertEquals(21, r.streams.get(0).events);
        assertEquals(0, r.duplicates);
    }

    @Test
    void verify_deletedEvent_reportsItsSequenceMissing() throws Exception {
        List<String> lines = lines(run(20));
        lines.remove(5); // sequence 6
        Report r = verify(lines);
        assertFalse(r.ok());
        assertEquals(1, r.missing.size(), ReportText.text(r));
        assertEquals(6L, r.missing.get(0).from());
        assertEquals(6L, r.missing.get(0).to());
        assertTrue(r.altered.isEmpty() && r.forged.isEmpty());
    }

    @Test
    void verify_alteredEvent_reportsItAlteredNotMissing() throws Exception {
        List<String> lines = lines(run(20));
        lines.set(9, lines.get(9).replace("User renamed to v9-1", "User renamed to nobody"));
        Report r = verify(lines);
        assertEquals(1, r.altered.size(), ReportText.text(r));
        assertEquals(10L, r.altered.get(0).sequence());
        assertTrue(r.missing.isEmpty() && r.forged.isEmpty());
        assertFalse(r.ok());
    }

    @Test
    void verify_lastEventAltered_reportsItAltered() throws Exception {
        List<String> lines = lines(run(5));
        lines.set(5, lines.get(5).replace("\"severity\":5", "\"severity\":1"));
        Report r = verify(lines);
        assertEquals(1, r.altered.size(), ReportText.text(r));
    }

    @Test
    void verify_forgedEvent_reportsItForged() throws Exception {
        List<String> lines = lines(run(10));
        ObjectNode forged = (ObjectNode) JSON.readTree(lines.get(3));
        ((ObjectNode) forged.get("event")).put("id", "ffffffffffffffffffffffffffffffff").put("sequence", 11)
                .put("hash", "ab".repeat(32));
        ((ObjectNode) forged.path("rmm_audit").path("chain")).put("previous",
                JSON.readTree(lines.get(10)).path("event").path("hash").asText());
        forged.put("message", "SuperAdmin granted to nobody");
        lines.add(forged.toString());
        Report r = verify(lines);
        assertEquals(1, r.forged.size(), ReportText.text(r));
        assertEquals(11L, r.forged.get(0).sequence());
        assertTrue(r.missing.isEmpty() && r.altered.isEmpty());
        assertFalse(r.ok());
    }

    @Test
    void verify_forgedEventInATakenPlace_reportsItForged() throws Exception {
        List<String> lines = lines(run(10));
        ObjectNode copy = (ObjectNode) JSON.readTree(lines.get(4));
        copy.put("message", "an event that never happened");
        ((ObjectNode) copy.get("event")).put("hash", "cd".repeat(32));
        lines.add(copy.toString());
        Report r = verify(lines);
        assertEquals(1, r.forged.size(), ReportText.text(r));
        assertTrue(r.missing.isEmpty() && r.altered.isEmpty());
    }

    @Test
    void verify_eventMovedToAnotherSequence_reportsItReordered() throws Exception {
        List<String> lines = lines(run(10));
        ObjectNode moved = (ObjectNode) JSON.readTree(lines.get(4)); // sequence 5
        ((ObjectNode) moved.get("event")).put("sequence", 9);
        lines.set(4, moved.toString());
        Report r = verify(lines);
        assertEquals(1, r.reordered.size(), ReportText.text(r));
        assertTrue(r.reordered.get(0).why().contains("sealed as sequence 5"), r.reordered.get(0).why());
        assertTrue(r.missing.isEmpty(), "the event is there, in the wrong place");
        assertFalse(r.ok());
    }

    @Test
    void verify_twoEventsSwapped_reportsBothReordered() throws Exception {
        List<String> lines = lines(run(10));
        ObjectNode a = (ObjectNode) JSON.readTree(lines.get(4));
        ObjectNode b = (ObjectNode) JSON.readTree(lines.get(5));
        ((ObjectNode) a.get("event")).put("sequence", 6);
        ((ObjectNode) b.get("event")).put("sequence", 5);
        lines.set(4, a.toString());
        lines.set(5, b.toString());
        Report r = verify(lines);
        assertEquals(2, r.reordered.size(), ReportText.text(r));
        assertTrue(r.missing.isEmpty() && r.altered.isEmpty() && r.forged.isEmpty(), ReportText.text(r));
    }

    @Test
    void verify_copiesOfEvents_passWithDuplicatesCounted() throws Exception {
        List<String> lines = lines(run(10));
        lines.add(lines.get(3));
        lines.add(lines.get(7));
        Report r = verify(lines);
        assertTrue(r.ok(), ReportText.text(r));
        assertEquals(2, r.duplicates);
    }

    @Test
    void verify_restartAfterACrash_showsTheRestartNotAGap() throws Exception {
        Chain first = Chain.open(key, "siem", dir);
        List<SecurityEvent> all = new ArrayList<>();
        all.add(first.seal(first.started("host", Instant.EPOCH)));
        for (int i = 0; i < 9; i++) {
            all.add(first.seal(Events.withValue("a" + i)));
        }
        first.kept(Chain.Range.of(all.subList(0, 6))); // 1..6 delivered and committed, 7..10 sent, not committed
        List<SecurityEvent> second = run(5); // resumes after 6: its events re-send the uncommitted changes
        all.addAll(second);
        Report r = verify(lines(all));
        assertTrue(r.ok(), ReportText.text(r));
        assertEquals(2, r.streams.get(0).runs.size());
        assertEquals(6L, r.streams.get(0).runs.get(0).supersededAfter);
        assertEquals(4, r.streams.get(0).runs.get(0).superseded);
        assertEquals(7, second.get(0).seal().sequence(), "the new run starts right after the committed head");
    }

    @Test
    void verify_eventDeletedBeforeARestart_isMissing() throws Exception {
        List<SecurityEvent> all = new ArrayList<>(run(5));
        all.addAll(run(5));
        all.remove(3);
        Report r = verify(lines(all));
        assertEquals(1, r.missing.size(), ReportText.text(r));
        assertEquals(1L, r.missing.get(0).run());
    }

    @Test
    void verify_restartsStartDeleted_isMissing() throws Exception {
        List<SecurityEvent> all = new ArrayList<>(run(5));
        all.addAll(run(5));
        all.remove(6); // run 2's forwarder-started event
        Report r = verify(lines(all));
        assertFalse(r.ok());
        assertEquals(1, r.missing.size(), ReportText.text(r));
        assertEquals(2L, r.missing.get(0).run());
    }

    @Test
    void verify_exportBeginningMidStream_passes() throws Exception {
        List<String> lines = lines(run(20));
        Report r = verify(lines.subList(8, lines.size()));
        assertTrue(r.ok(), ReportText.text(r));
    }

    @Test
    void verify_documentsReformattedByASiem_pass() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : lines(run(5))) {
            JsonNode doc = JSON.readTree(line);
            ObjectNode flat = JSON.createObjectNode(); // dotted keys, numbers as decimals, pretty-printed
            flatten("", doc, flat);
            flat.put("event.severity", flat.get("event.severity").asDouble());
            flat.put("event.ingested", "2026-12-05T10:00:01Z");
            java.time.Instant t = java.time.Instant.parse(flat.get("@timestamp").asText());
            flat.put("@timestamp", t.atOffset(java.time.ZoneOffset.ofHours(1)).toString()); // another zone
            flat.put("host.name", "indexer-1");
            out.add("{\"_index\":\"rmm\",\"_source\":" + flat + "}");
        }
        Report r = verify(out);
        assertTrue(r.ok(), ReportText.text(r));
    }

    @Test
    void verify_splunkJsonResults_pass() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : lines(run(5))) {
            ObjectNode result = JSON.createObjectNode();
            result.putObject("result").put("_raw", line).put("host", "fwd").put("_time", "1733392800");
            out.add(result.toString());
        }
        assertTrue(verify(out).ok());
    }

    @Test
    void verify_sentinelRows_passAndAnAlteredRowIsFound() throws Exception {
        List<String> out = new ArrayList<>();
        for (SecurityEvent e : run(5)) {
            ObjectNode row = SentinelSink.row(e);
            row.put("TenantId", "t").put("Type", "RmmAudit_CL");
            row.put("Changes", row.get("Changes").toString()); // dynamic columns as text, as CSV exports have them
            out.add(row.toString());
        }
        assertTrue(verify(out).ok(), ReportText.text(verify(out)));
        out.set(2, out.get(2).replace("\"Severity\":5", "\"Severity\":2"));
        assertEquals(1, verify(out).altered.size());
    }

    @Test
    void verify_unsealedOrOtherKeyOrNotJson_failsAndSaysWhy() throws Exception {
        List<String> lines = lines(run(3));
        lines.add(ECS.encode(Events.withValue("never sealed")));
        lines.add("this is not json");
        Report r = verify(lines);
        assertEquals(1, r.unsealed.size());
        assertEquals(1, r.unreadable.size());
        assertFalse(r.ok());
        Report other = new Verifier(List.of(ChainKey.load(dir.resolve("other").toFile().mkdirs()
                ? dir.resolve("other") : dir))).verify(String.join("\n", lines(run(2))));
        assertEquals(1, other.otherKeys.size(), ReportText.text(other));
        assertFalse(other.ok());
    }

    @Test
    void verify_emptyExport_fails() {
        assertFalse(verify(List.of()).ok());
    }

    private static void flatten(String path, JsonNode n, ObjectNode out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(),
                    f.getValue(), out));
        } else {
            out.set(path, n);
        }
    }
}
