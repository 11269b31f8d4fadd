package dev.rmmaudit.forwarder.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CEF 0 parser written from the format's rules (not from our encoder): seven header fields split at
 * unescaped {@code |}, header escapes {@code \|} and {@code \\}; extension pairs where a key is a token of
 * letters and digits followed by an unescaped {@code =}, values run to the space before the next key, and
 * {@code \=}, {@code \\}, {@code \n}, {@code \r} are unescaped.
 */
public final class CefParser {
    /** A parsed CEF message. */
    public record Cef(List<String> header, Map<String, String> extension) {
        public String get(String key) {
            return extension.get(key);
        }
    }

    private CefParser() {
    }

    public static Cef parse(String line) {
        int start = line.indexOf("CEF:");
        if (start < 0) {
            throw new IllegalArgumentException("no CEF: prefix in " + line);
        }
        String s = line.substring(start);
        List<String> header = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (header.size() < 7) {
            if (i >= s.length()) {
                throw new IllegalArgumentException("fewer than 7 header fields: " + line);
            }
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '|' || s.charAt(i + 1) == '\\')) {
                cur.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '|') {
                header.add(cur.toString());
                cur.setLength(0);
                i++;
            } else if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException("raw line break in header");
            } else {
                cur.append(c);
                i++;
            }
        }
        if (!header.get(0).equals("CEF:0")) {
            throw new IllegalArgumentException("not CEF version 0: " + header.get(0));
        }
        return new Cef(header, extension(s.substring(i)));
    }

    private static Map<String, String> extension(String ext) {
        Map<String, String> out = new LinkedHashMap<>();
        // find key starts: at 0 or after a space, a token [A-Za-z0-9_.\[\]]+ then an unescaped '='
        List<int[]> keys = new ArrayList<>();
        for (int i = 0; i < ext.length(); i++) {
            if (i == 0 || ext.charAt(i - 1) == ' ') {
                int j = i;
                while (j < ext.length() && (Character.isLetterOrDigit(ext.charAt(j)) || ext.charAt(j) == '_')) {
                    j++;
                }
                if (j > i && j < ext.length() && ext.charAt(j) == '=' && !escaped(ext, j)) {
                    keys.add(new int[] {i, j});
                }
            }
        }
        for (int k = 0; k < keys.size(); k++) {
            int[] key = keys.get(k);
            int end = k + 1 < keys.size() ? keys.get(k + 1)[0] - 1 : ext.length();
            String raw = ext.substring(key[1] + 1, Math.max(key[1] + 1, end));
            String name = ext.substring(key[0], key[1]);
            if (out.containsKey(name)) {
                throw new IllegalArgumentException("key " + name + " appears twice");
            }
            out.put(name, unescape(raw));
        }
        for (int i = 0; i < ext.length(); i++) {
            if (ext.charAt(i) == '\n' || ext.charAt(i) == '\r') {
                throw new IllegalArgumentException("raw line break in extension");
            }
        }
        return out;
    }

    private static boolean escaped(String s, int pos) {
        int n = 0;
        for (int i = pos - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static String unescape(String raw) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case '=', '\\' -> b.append(n);
                    default -> throw new IllegalArgumentException("undefined escape \\" + n + " in " + raw);
                }
            } else if (c == '=') {
                throw new IllegalArgumentException("unescaped = inside value " + raw);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
