package dev.rmmaudit.forwarder.export;

import dev.rmmaudit.forwarder.rule.Condition;
import dev.rmmaudit.forwarder.rule.FieldMatcher;
import dev.rmmaudit.forwarder.rule.Rule;
import dev.rmmaudit.forwarder.rule.Selection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A detection rule as boolean logic over field tests, written in one SIEM's query language by a subclass: the
 * logsource as conditions on {@code event.module}, {@code event.category} and {@code event.dataset}, then the
 * condition over the selections (a selection: any of its maps; a map: all of its fields; a field: any of its
 * values, or all with {@code |all}). Values match as the forwarder matches them: whole value, case-insensitive.
 *
 * @param <T> the language's expression
 */
abstract class Logic<T> {
    /** What one value asks of a field. */
    enum Kind { EQUALS, WILDCARD, REGEX, EXISTS, ABSENT }

    /**
     * One test: {@code value} is the plain value (EQUALS), a Sigma wildcard pattern with {@code *}, {@code ?} and
     * {@code \} escapes (WILDCARD), a Java regular expression found anywhere (REGEX), or null.
     */
    record Test(Kind kind, String value) {
    }

    /** Thrown for what the language cannot say; the rule is then left out of the export, with the reason. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why);
        }
    }

    abstract T test(String field, Test test);

    /** What a Sigma wildcard pattern is made of, in order: {@code *}, {@code ?}, and literal characters. */
    interface WildcardParts {
        void any();

        void one();

        void literal(char c);
    }

    /** Walks {@code w}: {@code \*}, {@code \?} and {@code \\} are the literal characters, a lone {@code \} itself. */
    static void walk(String w, WildcardParts parts) {
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c == '\\' && i + 1 < w.length() && "*?\\".indexOf(w.charAt(i + 1)) >= 0) {
                parts.literal(w.charAt(++i));
            } else if (c == '*') {
                parts.any();
            } else if (c == '?') {
                parts.one();
            } else {
                parts.literal(c);
            }
        }
    }

    abstract T and(List<T> all);

    abstract T or(List<T> any);

    abstract T not(T t);

    /** The rule's detection, logsource included. */
    final T detection(Rule r) {
        for (String f : r.fields()) {
            if (f.startsWith("forwarder.")) {
                throw new Unsupported("reads " + f + ", which the forwarder derives for its rules and does not "
                        + "send: the forwarder's own alert is the way to get this one");
            }
        }
        List<T> parts = new ArrayList<>();
        Map<String, String> ls = r.logsource();
        if (ls.get("product") != null) {
            parts.add(test("event.module", new Test(Kind.EQUALS, ls.get("product"))));
        }
        if (ls.get("category") != null) {
            parts.add(test("event.category", new Test(Kind.EQUALS, ls.get("category"))));
        }
        if (ls.get("service") != null) {
            parts.add(test("event.dataset", new Test(Kind.EQUALS, (ls.get("product") == null ? "*"
                    : ls.get("product")) + "." + ls.get("service"))));
        }
        Map<String, Selection> byName = new java.util.HashMap<>();
        r.selections().forEach(s -> byName.put(s.name(), s));
        parts.add(condition(r.condition(), byName));
        return parts.size() == 1 ? parts.get(0) : and(parts);
    }

    private T condition(Condition c, Map<String, Selection> selections) {
        if (c instanceof Condition.Ref ref) {
            return selection(selections.get(ref.name()));
        } else if (c instanceof Condition.Not n) {
            return not(condition(n.c(), selections));
        } else if (c instanceof Condition.And a) {
            return and(List.of(condition(a.a(), selections), condition(a.b(), selections)));
        } else if (c instanceof Condition.Or o) {
            return or(List.of(condition(o.a(), selections), condition(o.b(), selections)));
        } else {
            Condition.Quantified q = (Condition.Quantified) c;
            List<T> each = q.names().stream().map(n -> selection(selections.get(n))).toList();
            return q.all() ? and(each) : or(each);
        }
    }

    private T selection(Selection s) {
        List<T> any = new ArrayList<>();
        for (List<FieldMatcher> all : s.alternatives()) {
            List<T> fields = all.stream().map(this::matcher).toList();
            any.add(fields.size() == 1 ? fields.get(0) : and(fields));
        }
        return any.size() == 1 ? any.get(0) : or(any);
    }

    private T matcher(FieldMatcher m) {
        if (m.exists() != null) {
            return test(m.field(), new Test(m.exists() ? Kind.EXISTS : Kind.ABSENT, null));
        }
        List<T> values = new ArrayList<>();
        for (String v : m.raw()) {
            values.add(test(m.field(), value(m, v)));
        }
        return values.size() == 1 ? values.get(0) : m.modifiers().contains("all") ? and(values) : or(values);
    }

    private static Test value(FieldMatcher m, String v) {
        if (v == null) {
            return new Test(Kind.ABSENT, null);
        }
        if (m.modifiers().contains("re")) {
            return new Test(Kind.REGEX, v);
        }
        String w = m.modifiers().contains("contains") ? "*" + v + "*" : m.modifiers().contains("startswith") ? v + "*"
                : m.modifiers().contains("endswith") ? "*" + v : v;
        boolean wild = !w.equals(v) || w.indexOf('*') >= 0 || w.indexOf('?') >= 0 || w.indexOf('\\') >= 0;
        return wild ? new Test(Kind.WILDCARD, w) : new Test(Kind.EQUALS, w);
    }
}
