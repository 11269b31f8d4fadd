package dev.rmmaudit.forwarder.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;

/**
 * An event's canonical form, the bytes its link is computed over: the ECS document flattened to dotted names,
 * each with its values in order, sorted by name. Only what the forwarder writes counts: the fields under its own
 * top-level names and the module's object, without {@code event.hash} (the link itself) and
 * {@code event.ingested} (which Elastic's ingest pipelines add). Empty values count as absent, and
 * {@code @timestamp} as the instant it names. So a SIEM may re-indent the JSON, reorder its keys, flatten or nest
 * dotted names, write {@code 5} as {@code 5.0} or a number as a string, keep null as an empty string, write the
 * time at its own precision, and add fields of its own: the form stays the same. Any value changed, added or
 * removed under those names changes it.
 */
public final class Canonical {
    /** The link before the first: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);
    private static final byte[] VERSION = "rmm-audit-chain-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> OWN_TOP_LEVEL = Set.of("@timestamp", "ecs", "event", "message", "rule",
            "rmm_audit", "user", "source", "related");
    private static final Set<String> NOT_SEALED = Set.of("event.hash", "event.ingested");

    private Canonical() {
    }

    /** The link for an event whose flattened document is {@code flat}, after {@code previous}: 64 hex digits. */
    public static String link(Mac mac, String previous, Map<String, List<String>> flat) {
        mac.update(VERSION);
        mac.update(previous.getBytes(StandardCharsets.US_ASCII));
        mac.update(form(flat));
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** The canonical bytes: for each sealed name in order, its length and UTF-8, its value count, each value so. */
    static byte[] form(Map<String, List<String>> flat) {
        String module = first(flat.get("event.module"));
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        flat.forEach((k, v) -> {
            if (sealed(k, module)) {
                List<String> values = new ArrayList<>(v.size());
                for (String value : v) {
                    if (!value.isEmpty()) {
                        values.add(k.equals("@timestamp") ? instant(value) : value);
                    }
                }
                if (!values.isEmpty()) {
                    sorted.put(k, values);
                }
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        sorted.forEach((k, values) -> {
            text(out, k);
            integer(out, values.size());
            values.forEach(v -> text(out, v));
        });
        return out.toByteArray();
    }

    private static boolean sealed(String name, String module) {
        int dot = name.indexOf('.');
        String top = dot < 0 ? name : name.substring(0, dot);
        return (OWN_TOP_LEVEL.contains(top) || top.equals(module == null ? "rmm_audit" : module))
                && !NOT_SEALED.contains(name);
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        integer(out, b.length);
        out.writeBytes(b);
    }

    private static void integer(ByteArrayOutputStream out, int n) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
    }

    /** A time as {@link java.time.Instant#toString()} writes it, so a SIEM's own precision or zone does not count. */
    private static String instant(String value) {
        try {
            return java.time.OffsetDateTime.parse(value).toInstant().toString();
        } catch (java.time.DateTimeException e) {
            return value;
        }
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * A JSON document as the forwarder's {@code flat} view has it: dotted names (nested objects and dotted keys
     * alike), array items as values in order, numbers in their plain form, null values left out.
     */
    public static Map<String, List<String>> flatten(JsonNode doc) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        flatten("", doc, out);
        return out;
    }

    private static void flatten(String path, JsonNode n, Map<String, List<String>> out) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(),
                    f.getValue(), out));
        } else if (n.isArray()) {
            n.forEach(item -> flatten(path, item, out));
        } else {
            String value = n.isNumber() ? plain(n.decimalValue()) : n.asText();
            out.computeIfAbsent(path, k -> new ArrayList<>(1)).add(value);
        }
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
}
