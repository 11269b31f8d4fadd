package dev.rmmaudit.forwarder.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code field|modifier: value(s)} line of a Sigma selection. Values are alternatives (any matches)
 * unless the {@code all} modifier is given. Plain values match the whole field value, case-insensitively,
 * with {@code *} and {@code ?} wildcards ({@code \*}, {@code \?}, {@code \\} for the characters themselves).
 * A null value matches an absent field. A field with several values matches when any value does.
 */
public record FieldMatcher(String field, Set<String> modifiers, List<Pattern> patterns, List<String> raw, Boolean exists,
        boolean matchesAbsent, List<String> plain) {

    static final Set<String> MODIFIERS = Set.of("contains", "startswith", "endswith", "re", "exists", "all");

    static FieldMatcher of(String field, Set<String> modifiers, List<String> values) {
        boolean matchesAbsent = values.contains(null);
        Boolean exists = null;
        List<Pattern> patterns = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        boolean allPlain = modifiers.isEmpty();
        for (String v : values) {
            if (v != null && allPlain && v.indexOf('*') < 0 && v.indexOf('?') < 0 && v.indexOf('\\') < 0) {
                plain.add(v);
            } else {
                allPlain = false;
            }
        }
        for (String v : values) {
            if (v == null) {
                continue;
            }
            if (modifiers.contains("exists")) {
                exists = Boolean.parseBoolean(v);
            } else if (modifiers.contains("re")) {
                patterns.add(Pattern.compile(v));
            } else {
                String w = v;
                if (modifiers.contains("contains")) {
                    w = "*" + w + "*";
                } else if (modifiers.contains("startswith")) {
                    w = w + "*";
                } else if (modifiers.contains("endswith")) {
                    w = "*" + w;
                }
                patterns.add(wildcard(w));
            }
        }
        // plain values without wildcards (most rules: an action name) compare without a regex
        return new FieldMatcher(field, modifiers, patterns, values, exists, matchesAbsent,
                allPlain ? List.copyOf(plain) : null);
    }

    boolean matches(EventView e) {
        List<String> values = e.values(field);
        if (exists != null) {
            return exists != values.isEmpty();
        }
        if (values.isEmpty()) {
            return matchesAbsent;
        }
        if (plain != null) {
            // indexed loops: this runs for every rule on every event, and iterators showed in allocation profiles
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                for (int j = 0; j < plain.size(); j++) {
                    if (plain.get(j).equalsIgnoreCase(v)) {
                        return true;
                    }
                }
            }
            return false;
        }
        if (modifiers.contains("all")) {
            for (Pattern p : patterns) {
                if (!anyValue(p, values)) {
                    return false;
                }
            }
            return !patterns.isEmpty();
        }
        for (Pattern p : patterns) {
            if (anyValue(p, values)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyValue(Pattern p, List<String> values) {
        boolean regex = modifiers.contains("re");
        for (String v : values) {
            if (regex ? p.matcher(v).find() : p.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }

    /** A case-insensitive, whole-value pattern for a Sigma wildcard string. */
    static Pattern wildcard(String w) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '\\' && i + 1 < w.length() && "*?\\".indexOf(w.charAt(i + 1)) >= 0) {
                literal.append(w.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
