package dev.rmmaudit.forwarder.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Form out = FORM.get();
        out.reset();
        write(flat, out);
        mac.update(out.buffer(), 0, out.size());
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** The canonical bytes: for each sealed name in order, its length and UTF-8, its value count, each value so. */
    static byte[] form(Map<String, List<String>> flat) {
        Form out = new Form();
        write(flat, out);
        return out.toByteArray();
    }

    /**
     * The form being written: a growable byte array without {@link ByteArrayOutputStream}'s locks, kept per thread
     * (one event's form, a kilobyte or so, is written for every event a sink takes).
     */
    private static final class Form {
        private byte[] buf = new byte[2048];
        private int size;

        void reset() {
            size = 0;
        }

        byte[] buffer() {
            return buf;
        }

        int size() {
            return size;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }

        private void room(int more) {
            if (size + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void integer(int n) {
            room(4);
            buf[size++] = (byte) (n >>> 24);
            buf[size++] = (byte) (n >>> 16);
            buf[size++] = (byte) (n >>> 8);
            buf[size++] = (byte) n;
        }

        /** Its UTF-8 length, then its UTF-8 (ASCII copied straight, anything else through the encoder). */
        void text(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    integer(b.length);
                    room(b.length);
                    System.arraycopy(b, 0, buf, size, b.length);
                    size += b.length;
                    return;
                }
            }
            integer(n);
            room(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
        }
    }

    private static final ThreadLocal<Form> FORM = ThreadLocal.withInitial(Form::new);

    private static void write(Map<String, List<String>> flat, Form out) {
        String module = first(flat.get("event.module"));
        String[] names = new String[flat.size()];
        int n = 0;
        for (String k : flat.keySet()) {
            if (sealed(k, module)) {
                names[n++] = k;
            }
        }
        java.util.Arrays.sort(names, 0, n);
        for (int i = 0; i < n; i++) {
            String k = names[i];
            List<String> values = flat.get(k);
            int count = 0;
            for (String v : values) {
                if (!v.isEmpty()) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            out.text(k);
            out.integer(count);
            for (String v : values) {
                if (!v.isEmpty()) {
                    out.text(k.equals("@timestamp") ? instant(v) : v);
                }
            }
        }
    }

    private static boolean sealed(String name, String module) {
        int dot = name.indexOf('.');
        String top = dot < 0 ? name : name.substring(0, dot);
        return (OWN_TOP_LEVEL.contains(top) || top.equals(module == null ? "rmm_audit" : module))
                && !NOT_SEALED.contains(name);
    }

    /** A time as {@link java.time.Instant#toString()} writes it, so a SIEM's own precision or zone does not count. */
    private static String instant(String value) {
        if (isInstantText(value)) {
            return value; // as the forwarder writes it: parsing every event's time was most of sealing's cost
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant().toString();
        } catch (java.time.DateTimeException e) {
            return value;
        }
    }

    /** True for text exactly as {@link java.time.Instant#toString()} writes a time of years 0000-9999. */
    static boolean isInstantText(String v) {
        int n = v.length();
        if (n < 20 || v.charAt(n - 1) != 'Z' || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T'
                || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
            if (!Character.isDigit(v.charAt(i)) || v.charAt(i) > '9') {
                return false;
            }
        }
        int fraction = n - 20; // ".fff" etc. between the seconds and the Z
        if (fraction == 0) {
            return true;
        }
        if (v.charAt(19) != '.' || (fraction != 4 && fraction != 7 && fraction != 10)) {
            return false;
        }
        for (int i = 20; i < n - 1; i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return !v.regionMatches(n - 4, "000", 0, 3); // Instant writes no all-zero group
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
