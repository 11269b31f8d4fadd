package dev.rmmaudit.forwarder.encode;

import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.net.Inet6Address;
import java.util.Map;

/**
 * ArcSight CEF 0: {@code CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension}.
 *
 * <p>Escaping is a security property: a user named {@code x suser=admin} must not forge a field. Header
 * fields escape {@code \} and {@code |}; extension values escape {@code \}, {@code =}, newline and carriage
 * return. Other control characters, which the format does not define, are written as the text
 * {@code \}{@code uXXXX} (then escaped), so that nothing a C parser could stop at reaches the wire. Values
 * are cut to each key's length limit before escaping, never inside a character.
 */
public final class CefEncoder implements Encoder {
    private final String version;

    public CefEncoder(String version) {
        this.version = version;
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final java.util.regex.Pattern IPV6_CHARS = java.util.regex.Pattern.compile("[0-9A-Fa-f:.%a-zA-Z]+");

    @Override
    public String encode(SecurityEvent e) {
        StringBuilder out = new StringBuilder(512);
        encode(e, out);
        return out.toString();
    }

    @Override
    public void encode(SecurityEvent e, StringBuilder out) {
        out.append("CEF:0|");
        header(out, vendor(e.module()), 63).append('|');
        header(out, product(e.module()), 63).append('|');
        header(out, version, 31).append('|');
        header(out, e.isAlert() ? e.ruleId() : e.action(), 1023).append('|');
        header(out, e.name(), 512).append('|');
        out.append(e.severity()).append('|');
        Extension x = new Extension(out);
        x.put("rt", Long.toString(e.time().toEpochMilli()), 32);
        x.put("act", e.action(), 63);
        x.put("outcome", e.outcome().label(), 63);
        x.put("cat", e.category(), 1023);
        x.put("suser", e.actor(), 1023);
        x.put("duser", e.targetUserName(), 1023);
        x.put("duid", e.targetUserId(), 1023);
        address(x, e.sourceAddress());
        x.put("externalId", e.id(), 40);
        x.put("deviceExternalId", e.origin() == null ? null : e.origin().server(), 255);
        x.put("msg", e.message(), 1023);
        x.custom(1, "userClasses", e.targetGroups().isEmpty() ? null : String.join(",", e.targetGroups()));
        x.custom(2, "superAdminBefore", e.superAdminBefore() == null ? null : e.superAdminBefore().toString());
        x.custom(3, "superAdminAfter", e.superAdminAfter() == null ? null : e.superAdminAfter().toString());
        if (e.isAlert()) {
            x.custom(4, "triggeringEvents", String.join(",", e.relatedEventIds()));
        } else {
            x.custom(4, "changes", e.changes().isEmpty() ? null : changesJson(e));
        }
        x.custom(5, "details", detailsJson(e));
        x.custom(6, "origin", e.origin() == null ? e.dataset() : e.dataset() + " " + e.origin().position());
        SecurityEvent.Seal seal = e.seal();
        if (seal != null) { // the chain (docs/verify.md): its place in the sink's stream and its link
            x.put("cn1Label", "eventSequence", 1023);
            x.put("cn1", Long.toString(seal.sequence()), 32);
            x.put("cn2Label", "chainRun", 1023);
            x.put("cn2", Long.toString(seal.run()), 32);
            x.put("flexString1Label", "eventHash", 1023);
            x.put("flexString1", seal.hash(), 1023);
            x.put("flexString2Label", "chainPrevious", 1023);
            x.put("flexString2", seal.previous(), 1023);
        }
    }

    private static String vendor(String module) {
        return module == null ? "rmm-audit" : "ConnectWise";
    }

    private static String product(String module) {
        if (module == null) {
            return "forwarder";
        }
        return switch (module) {
            case "automate" -> "Automate";
            case "screenconnect" -> "ScreenConnect";
            default -> module;
        };
    }

    private static void address(Extension x, String address) {
        if (address == null || address.isEmpty()) {
            return;
        }
        if (address.indexOf(':') >= 0 && isIpv6(address)) {
            x.put("c6a2", address, 64);
            x.put("c6a2Label", "Source IPv6 Address", 1023);
        } else if (IPV4.matcher(address).matches()) {
            x.put("src", address, 15);
        } else {
            x.put("shost", address, 1023);
        }
    }

    private static boolean isIpv6(String s) {
        if (!IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(s) instanceof Inet6Address;
        } catch (java.net.UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** {"column":{"from":…,"to":…},…}: what {@link EcsJsonEncoder#writeChanges} writes, without a generator. */
    private static String changesJson(SecurityEvent e) {
        StringBuilder out = new StringBuilder(128).append('{');
        for (Map.Entry<String, SecurityEvent.Change> c : e.changes().entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            JsonText.string(out, c.getKey()).append(":{\"from\":");
            JsonText.string(out, c.getValue().from()).append(",\"to\":");
            JsonText.string(out, c.getValue().to()).append('}');
        }
        return out.append('}').toString();
    }

    /** The target's e-mail and the attributes as one JSON object; an attribute named like the e-mail replaces it. */
    private static String detailsJson(SecurityEvent e) {
        if (e.attributes().isEmpty() && e.targetUserEmail() == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(128).append('{');
        boolean email = e.targetUserEmail() != null;
        if (email) {
            member(out, EMAIL, e.attributes().containsKey(EMAIL) ? e.attributes().get(EMAIL) : e.targetUserEmail());
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            if (!(email && a.getKey().equals(EMAIL))) {
                member(out, a.getKey(), a.getValue());
            }
        }
        return out.append('}').toString();
    }

    private static void member(StringBuilder object, String name, String value) {
        if (object.length() > 1) {
            object.append(',');
        }
        JsonText.string(JsonText.string(object, name).append(':'), value);
    }

    private static final String EMAIL = "target.email";

    private static StringBuilder header(StringBuilder out, String value, int max) {
        String v = truncate(value == null ? "" : value, max);
        int i = plainPrefix(v, '|');
        if (i == v.length()) {
            return out.append(v);
        }
        out.append(v, 0, i);
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '|' -> out.append("\\|");
                case '\n', '\r' -> out.append(' ');
                default -> control(out, c);
            }
        }
        return out;
    }

    /** Appends one extension value, escaped. */
    static void extensionValue(StringBuilder out, String value) {
        int i = plainPrefix(value, '=');
        if (i == value.length()) {
            out.append(value);
            return;
        }
        out.append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '=' -> out.append("\\=");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> control(out, c);
            }
        }
    }

    /**
     * How many characters from the start need no escaping ({@code special} is the one character besides
     * {@code \} and the controls that the part escapes): most values are appended at once, not char by char.
     */
    private static int plainPrefix(String s, char special) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' || c == special || isControl(c)) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Characters the format does not define that a parser could stop at: written as text by {@link #control}. */
    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }

    private static void control(StringBuilder out, char c) {
        if (isControl(c)) {
            out.append("\\\\u").append(String.format("%04x", (int) c));
        } else {
            out.append(c);
        }
    }

    /** Cuts {@code s} to at most {@code max} characters without splitting a surrogate pair. */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Writes {@code key=value} pairs separated by spaces, skipping empty values. */
    private static final class Extension {
        private static final String[] CUSTOM_KEYS = {null, "cs1", "cs2", "cs3", "cs4", "cs5", "cs6"};
        private static final String[] CUSTOM_LABELS = {null, "cs1Label", "cs2Label", "cs3Label", "cs4Label",
            "cs5Label", "cs6Label"};
        private final StringBuilder out;
        private boolean first = true;

        Extension(StringBuilder out) {
            this.out = out;
        }

        void put(String key, String value, int max) {
            if (value == null || value.isEmpty()) {
                return;
            }
            if (!first) {
                out.append(' ');
            }
            first = false;
            out.append(key).append('=');
            extensionValue(out, truncate(value, max));
        }

        void custom(int n, String label, String value) {
            if (value == null || value.isEmpty()) {
                return;
            }
            put(CUSTOM_LABELS[n], label, 1023);
            put(CUSTOM_KEYS[n], value, 4000);
        }
    }
}
