package dev.rmmaudit.forwarder.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A message template such as {@code "User {name} added to class {class}"}. A placeholder that resolves to
 * nothing renders as {@code -}. Write {@code {{} } for a literal brace.
 */
final class Template {
    private final List<String> literals;
    private final List<String> variables;

    private Template(List<String> literals, List<String> variables) {
        this.literals = literals;
        this.variables = variables;
    }

    /**
     * Compiles {@code text}; every placeholder must satisfy {@code known}, otherwise {@code onUnknown} is
     * told its name.
     */
    static Template compile(String text, Predicate<String> known, java.util.function.Consumer<String> onUnknown) {
        List<String> literals = new ArrayList<>();
        List<String> variables = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{' && text.startsWith("{{}", i)) {
                lit.append('{');
                i += 3;
            } else if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    onUnknown.accept(text.substring(i) + " (no closing brace)");
                    lit.append(text, i, text.length());
                    break;
                }
                String name = text.substring(i + 1, end).trim();
                if (!known.test(name)) {
                    onUnknown.accept(name);
                }
                literals.add(lit.toString());
                lit.setLength(0);
                variables.add(name);
                i = end + 1;
            } else {
                lit.append(c);
                i++;
            }
        }
        literals.add(lit.toString());
        return new Template(List.copyOf(literals), List.copyOf(variables));
    }

    /** A placeholder's name without its {@code .label} suffix: {@code before.result.label} is {@code before.result}. */
    static String withoutLabel(String placeholder) {
        return placeholder.endsWith(".label") ? placeholder.substring(0, placeholder.length() - ".label".length())
                : placeholder;
    }

    /** The column part of a placeholder: without {@code .label}, {@code before.} or {@code after.}. */
    static String columnPart(String placeholder) {
        String v = withoutLabel(placeholder);
        return v.startsWith("before.") ? v.substring(7) : v.startsWith("after.") ? v.substring(6) : v;
    }

    /** The placeholders' names, in order, as written ({@code before.name}, {@code result.label}). */
    List<String> variables() {
        return variables;
    }

    /** The text, with {@code -} for a placeholder that resolves to nothing (for messages). */
    String render(Function<String, String> values) {
        return render(values, "-");
    }

    /** The text, or null when every placeholder resolved to nothing and there is no literal text (for fields). */
    String renderOrNull(Function<String, String> values) {
        String s = render(values, "");
        return s.isBlank() ? null : s;
    }

    private String render(Function<String, String> values, String missing) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < variables.size(); i++) {
            out.append(literals.get(i));
            String v = values.apply(variables.get(i));
            out.append(v == null || v.isEmpty() ? missing : v);
        }
        out.append(literals.get(literals.size() - 1));
        return out.toString();
    }
}
