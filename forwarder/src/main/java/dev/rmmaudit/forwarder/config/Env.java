package dev.rmmaudit.forwarder.config;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in configuration values.
 *
 * <p>The expanded value is never logged by this class: secrets such as passwords usually arrive this way.
 */
public final class Env {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Function<String, String> lookup;

    public Env(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public static Env system() {
        return new Env(System::getenv);
    }

    public static Env of(Map<String, String> values) {
        return new Env(values::get);
    }

    /**
     * Expands every reference in {@code text}.
     *
     * @param onMissing called with the variable name when a reference without default is unset
     */
    public String expand(String text, java.util.function.Consumer<String> onMissing) {
        if (text == null || text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = lookup.apply(m.group(1));
            if (value == null || (value.isEmpty() && m.group(2) != null)) {
                value = m.group(2) != null ? m.group(3) : null;
            }
            if (value == null) {
                onMissing.accept(m.group(1));
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
