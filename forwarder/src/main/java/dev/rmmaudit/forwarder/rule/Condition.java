package dev.rmmaudit.forwarder.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Sigma detection condition: {@code and}, {@code or}, {@code not}, parentheses, selection names, and
 * {@code 1 of pattern} / {@code all of pattern} ({@code pattern} a name with {@code *}, or {@code them}).
 */
public sealed interface Condition {
    /** @param selections whether the selection of a name matches (asked lazily, only as far as needed) */
    boolean test(java.util.function.Predicate<String> selections);

    record Ref(String name) implements Condition {
        public boolean test(java.util.function.Predicate<String> s) {
            return s.test(name);
        }
    }

    record Not(Condition c) implements Condition {
        public boolean test(java.util.function.Predicate<String> s) {
            return !c.test(s);
        }
    }

    record And(Condition a, Condition b) implements Condition {
        public boolean test(java.util.function.Predicate<String> s) {
            return a.test(s) && b.test(s);
        }
    }

    record Or(Condition a, Condition b) implements Condition {
        public boolean test(java.util.function.Predicate<String> s) {
            return a.test(s) || b.test(s);
        }
    }

    /** {@code 1 of} (any) or {@code all of} the selections whose names match. */
    record Quantified(boolean all, List<String> names) implements Condition {
        public boolean test(java.util.function.Predicate<String> s) {
            for (String n : names) {
                if (s.test(n) != all) {
                    return !all;
                }
            }
            return all;
        }
    }

    /** Parses {@code text} against the selection names; throws IllegalArgumentException with what is wrong. */
    static Condition parse(String text, List<String> selections) {
        if (text.contains("|")) {
            throw new IllegalArgumentException("aggregations after '|' are not supported; write a correlation rule");
        }
        Parser p = new Parser(tokenize(text), selections);
        Condition c = p.or();
        if (p.pos < p.tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + p.tokens.get(p.pos) + "'");
        }
        return c;
    }

    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    /** Recursive descent: or := and ('or' and)*; and := not ('and' not)*; not := 'not' not | primary. */
    final class Parser {
        private final List<String> tokens;
        private final List<String> selections;
        private int pos;

        Parser(List<String> tokens, List<String> selections) {
            this.tokens = tokens;
            this.selections = selections;
        }

        Condition or() {
            Condition c = and();
            while (peek("or")) {
                pos++;
                c = new Or(c, and());
            }
            return c;
        }

        Condition and() {
            Condition c = not();
            while (peek("and")) {
                pos++;
                c = new And(c, not());
            }
            return c;
        }

        Condition not() {
            if (peek("not")) {
                pos++;
                return new Not(not());
            }
            return primary();
        }

        Condition primary() {
            if (pos >= tokens.size()) {
                throw new IllegalArgumentException("the condition ends too early");
            }
            String t = tokens.get(pos++);
            if (t.equals("(")) {
                Condition c = or();
                if (!peek(")")) {
                    throw new IllegalArgumentException("a '(' is not closed");
                }
                pos++;
                return c;
            }
            if ((t.equals("1") || t.equalsIgnoreCase("all") || t.equalsIgnoreCase("any")) && peek("of")) {
                pos++;
                if (pos >= tokens.size()) {
                    throw new IllegalArgumentException("'" + t + " of' needs a selection pattern or 'them'");
                }
                String pattern = tokens.get(pos++);
                List<String> names = matching(pattern);
                if (names.isEmpty()) {
                    throw new IllegalArgumentException("'" + pattern + "' matches no selection");
                }
                return new Quantified(t.equalsIgnoreCase("all"), names);
            }
            if (t.matches("\\d+") && peek("of")) {
                throw new IllegalArgumentException("'" + t + " of' is not supported; use '1 of' or 'all of'");
            }
            if (!selections.contains(t)) {
                throw new IllegalArgumentException("'" + t + "' is not a selection (selections: "
                        + String.join(", ", selections) + ")");
            }
            return new Ref(t);
        }

        private List<String> matching(String pattern) {
            if (pattern.equals("them")) {
                return selections;
            }
            Pattern p = FieldMatcher.wildcard(pattern);
            return selections.stream().filter(s -> p.matcher(s).matches()).toList();
        }

        private boolean peek(String word) {
            return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(word);
        }
    }
}
