package dev.rmmaudit.forwarder.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPL search terms over the ECS field names (the JSON sourcetype as Splunk extracts it; the app's props.conf gives
 * the CEF sourcetype the same names). Splunk's search compares values case-insensitively, as the forwarder does.
 * SPL has no single-character wildcard ({@code ?} becomes {@code *}, a little broader) and no regular expression
 * inside a boolean search: a pattern that is an alternation of words becomes wildcards; any other is left out.
 */
final class SplunkQuery extends Logic<String> {
    private static final Pattern WORDS = Pattern.compile("\\(?([A-Za-z0-9_ -]+(?:\\|[A-Za-z0-9_ -]+)*)\\)?");

    @Override
    String test(String field, Test t) {
        return switch (t.kind()) {
            case EQUALS -> field + "=" + quote(t.value());
            case WILDCARD -> field + "=" + quote(wildcard(t.value()));
            case EXISTS -> field + "=*";
            case ABSENT -> "NOT " + field + "=*";
            case REGEX -> {
                Matcher m = WORDS.matcher(t.value());
                if (!m.matches()) {
                    throw new Unsupported("the regular expression " + t.value() + " cannot be said in SPL search");
                }
                List<String> any = new ArrayList<>();
                for (String word : m.group(1).split("\\|")) {
                    any.add(field + "=" + quote("*" + word + "*"));
                }
                yield any.size() == 1 ? any.get(0) : or(any);
            }
        };
    }

    /** Sigma wildcards as SPL's: {@code *} as is, {@code ?} as {@code *}; an escaped {@code *} or {@code ?} cannot be. */
    private static String wildcard(String w) {
        StringBuilder out = new StringBuilder();
        walk(w, new WildcardParts() {
            @Override
            public void any() {
                out.append('*');
            }

            @Override
            public void one() {
                out.append('*');
            }

            @Override
            public void literal(char c) {
                if (c == '*' || c == '?') {
                    throw new Unsupported("a literal " + c + " cannot be matched in SPL search");
                }
                out.append(c);
            }
        });
        return out.toString();
    }

    static String quote(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    String and(List<String> all) {
        return "(" + String.join(" AND ", all) + ")";
    }

    @Override
    String or(List<String> any) {
        return "(" + String.join(" OR ", any) + ")";
    }

    @Override
    String not(String t) {
        return "NOT " + t;
    }
}
