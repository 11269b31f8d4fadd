package dev.rmmaudit.forwarder.mapping;

import dev.rmmaudit.forwarder.config.BundledFiles;
import dev.rmmaudit.forwarder.config.ConfigNode;
import dev.rmmaudit.forwarder.config.Env;
import dev.rmmaudit.forwarder.config.Problems;
import dev.rmmaudit.forwarder.event.SecurityEvent.Outcome;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads table mappings: the built-in ones shipped in the jar under {@code mappings/}, then the files of a
 * user's directory, which replace a built-in mapping of the same module and table or add new ones.
 */
public final class MappingLoader {
    private static final Set<String> ROLES = Set.of("users", "userclasses", "none");
    private static final Set<String> CATEGORIES = Set.of("iam", "authentication", "configuration", "process",
            "session", "file", "host", "network", "database", "intrusion_detection", "package");

    private MappingLoader() {
    }

    /** Built-in mappings, overridden or extended by {@code *.yml} files under {@code userDir} (may be null). */
    public static Mappings load(Path userDir) {
        Problems problems = new Problems();
        Map<String, TableMapping> byKey = new TreeMap<>();
        for (Map.Entry<String, String> e : BundledFiles.read("mappings").entrySet()) {
            TableMapping m = parse(e.getKey(), e.getValue(), moduleOf(e.getKey()), problems);
            if (m != null) {
                byKey.put(key(m), m);
            }
        }
        if (userDir != null) {
            if (!Files.isDirectory(userDir)) {
                problems.add(userDir.toString(), "mappings directory does not exist");
            } else {
                for (Path file : BundledFiles.yamlFiles(userDir)) {
                    try {
                        String text = Files.readString(file, StandardCharsets.UTF_8);
                        Path rel = userDir.relativize(file);
                        String module = rel.getNameCount() > 1 ? rel.getName(0).toString() : "automate";
                        TableMapping m = parse(file.toString(), text, module, problems);
                        if (m != null) {
                            byKey.put(key(m), m);
                        }
                    } catch (IOException ex) {
                        problems.add(file.toString(), "cannot read: " + ex.getMessage());
                    }
                }
            }
        }
        problems.throwIfAny();
        return new Mappings(List.copyOf(byKey.values()));
    }

    /** Parses one mapping file; problems are recorded, and null is returned when it cannot be used. */
    static TableMapping parse(String source, String text, String defaultModule, Problems problems) {
        int before = problems.messages().size();
        ConfigNode root = ConfigNode.parse(source, text, Env.of(Map.of()), problems);
        if (!root.isPresent()) {
            return null;
        }
        String table = root.requiredString("table");
        String module = root.string("module", defaultModule);
        String key = root.requiredString("key");
        String role = root.string("role", "none");
        if (!ROLES.contains(role)) {
            root.child("role").problem("must be one of users, userclasses, none, not '" + role + "'");
        }
        root.child("description");
        Map<String, String> columns = new LinkedHashMap<>();
        root.child("columns").entries().forEach((logical, node) -> {
            String col = node.text();
            if (col != null) {
                columns.put(logical, col);
            }
        });
        requireRoleColumns(root, role, columns);
        Set<String> secrets = new LinkedHashSet<>(root.stringList("secret"));
        Set<String> optional = new LinkedHashSet<>(root.stringList("optional"));
        Map<String, String> parse = readParse(root.child("parse"));
        Map<String, Integer> truncate = new LinkedHashMap<>();
        root.child("truncate").entries().forEach((column, node) -> {
            try {
                int n = Integer.parseInt(node.text().trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                truncate.put(column, n);
            } catch (NumberFormatException | NullPointerException e) {
                node.problem("a number of characters from 1 up, not '" + node.text() + "'");
            }
        });
        long mask = readMask(root);
        Map<Integer, String> bitNames = new TreeMap<>();
        root.child("bitNames").entries().forEach((bit, node) -> {
            try {
                int b = Integer.parseInt(bit);
                if (b < 0 || b > 63) {
                    throw new NumberFormatException();
                }
                bitNames.put(b, node.text());
            } catch (NumberFormatException e) {
                node.problem("bit numbers run from 0 to 63, not '" + bit + "'");
            }
        });
        Map<String, Map<String, String>> labels = readLabels(root.child("labels"), columns.keySet());
        Map<String, Template> fields = readFields(root.child("fields"), columns.keySet());
        List<EventSpec> events = new ArrayList<>();
        Set<String> actions = new LinkedHashSet<>();
        for (ConfigNode e : root.list("events")) {
            EventSpec spec = readEvent(e, columns, secrets, role);
            if (spec != null && !actions.add(spec.action())) {
                e.child("action").problem("action '" + spec.action() + "' is declared twice in this table");
            }
            if (spec != null) {
                events.add(spec);
            }
        }
        if (events.isEmpty() && root.isPresent()) {
            root.problem("a mapping needs at least one entry under 'events'");
        }
        root.rejectUnknownKeys();
        if (problems.messages().size() > before || table == null || key == null) {
            return null;
        }
        return new TableMapping(source, module, table, key, role, Map.copyOf(columns), Set.copyOf(secrets), mask,
                Map.copyOf(bitNames), fields, List.copyOf(events), labels, Set.copyOf(optional),
                Map.copyOf(truncate), parse);
    }

    /** {@code parse: {regex: '...(?<user>...)...'}} or {@code parse: {w3c: true}}; checked here, used by the source. */
    private static Map<String, String> readParse(ConfigNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!n.isPresent()) {
            return Map.of();
        }
        String regex = n.string("regex", null);
        String w3c = n.string("w3c", null);
        if (regex != null) {
            try {
                java.util.regex.Pattern.compile(regex);
                out.put("regex", regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                n.child("regex").problem("not a regular expression: " + e.getDescription());
            }
        }
        if (w3c != null) {
            out.put("w3c", w3c);
        }
        if (regex == null && w3c == null) {
            n.problem("needs regex (named groups are the columns) or w3c: true");
        }
        n.rejectUnknownKeys();
        return Map.copyOf(out);
    }

    private static Map<String, Map<String, String>> readLabels(ConfigNode n, Set<String> logicalColumns) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        n.entries().forEach((column, values) -> {
            if (!logicalColumns.isEmpty() && !logicalColumns.contains(column)) {
                values.problem("labels are for logical columns (" + String.join(", ", logicalColumns) + ")");
            }
            Map<String, String> names = new LinkedHashMap<>();
            values.entries().forEach((value, label) -> names.put(value, label.text()));
            out.put(column, Map.copyOf(names));
        });
        return Map.copyOf(out);
    }

    /** {@code where: {result: [2, 7], after.twoFactor: "", eventType: {not: [0]}, uri: {startsWith: [/a/]}}}. */
    private static List<Where> readWhere(ConfigNode n, Set<String> logicalColumns, Map<String, String> columns) {
        List<Where> out = new ArrayList<>();
        n.entries().forEach((key, node) -> {
            String image = key.startsWith("before.") ? "before" : key.startsWith("after.") ? "after" : "current";
            String logical = image.equals("current") ? key : key.substring(image.length() + 1);
            if (!logicalColumns.isEmpty() && !logicalColumns.contains(logical)) {
                node.problem("unknown column '" + logical + "'; use a logical column (" + String.join(", ",
                        logicalColumns) + "), optionally as before.X or after.X");
                return;
            }
            boolean prefix = node.isMap() && node.has("startsWith");
            boolean negated = node.isMap() && !prefix;
            ConfigNode values = prefix ? node.child("startsWith") : negated ? node.child("not") : node;
            if (node.isMap()) {
                node.rejectUnknownKeys();
            }
            Set<String> accepted = new java.util.HashSet<>();
            if (values.isList()) {
                values.items().forEach(i -> accepted.add(i.text() == null ? "" : i.text()));
            } else {
                accepted.add(values.text() == null ? "" : values.text());
            }
            out.add(new Where(image, columns.getOrDefault(logical, logical), Set.copyOf(accepted), negated, prefix));
        });
        return List.copyOf(out);
    }

    private static Map<String, Template> readFields(ConfigNode n, Set<String> logicalColumns) {
        Map<String, Template> out = new LinkedHashMap<>();
        if (!n.isPresent()) {
            return out;
        }
        for (Map.Entry<String, ConfigNode> e : n.entries().entrySet()) {
            if (e.getKey().equals("attributes")) {
                for (Map.Entry<String, ConfigNode> a : e.getValue().entries().entrySet()) {
                    if (!a.getKey().matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
                        a.getValue().problem("attribute names are lower-case words joined by dots, like computer.id");
                    }
                    template(a.getValue(), logicalColumns).ifPresent(t -> out.put("attributes." + a.getKey(), t));
                }
            } else if (TableMapping.FIELD_KEYS.contains(e.getKey())) {
                template(e.getValue(), logicalColumns).ifPresent(t -> out.put(e.getKey(), t));
            } else {
                e.getValue().problem("unknown field; allowed: " + String.join(", ", new java.util.TreeSet<>(
                        TableMapping.FIELD_KEYS)) + ", attributes");
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static java.util.Optional<Template> template(ConfigNode n, Set<String> logicalColumns) {
        String text = n.text();
        if (text == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Template.compile(text, v -> isKnownVariable(v, logicalColumns),
                v -> n.problem("unknown placeholder {" + v + "}")));
    }

    private static void requireRoleColumns(ConfigNode root, String role, Map<String, String> columns) {
        List<String> needed = switch (role) {
            case "users" -> List.of("id", "name", "classes");
            case "userclasses" -> List.of("id", "name", "permissions");
            default -> List.of();
        };
        for (String n : needed) {
            if (!columns.containsKey(n)) {
                root.child("columns").problem("role '" + role + "' needs the logical column '" + n
                        + "' (needed: " + String.join(", ", needed) + ")");
            }
        }
    }

    private static long readMask(ConfigNode root) {
        String text = root.string("superAdminMask", "1");
        try {
            BigInteger v = text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text);
            if (v.signum() < 0 || v.bitLength() > 64) {
                throw new NumberFormatException();
            }
            return v.longValue();
        } catch (NumberFormatException e) {
            root.child("superAdminMask").problem("must be a 64-bit bitmask such as 1 or 0x1, not '" + text + "'");
            return 1;
        }
    }

    private static EventSpec readEvent(ConfigNode e, Map<String, String> columns, Set<String> secrets,
            String role) {
        Set<String> logicalColumns = columns.keySet();
        String action = e.requiredString("action");
        if (action != null && !action.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
            e.child("action").problem("must be lower-case letters, digits, '-' or '.', at most 63 characters");
        }
        String name = e.string("name", action == null ? null : humanName(action));
        Condition when = readCondition(e.child("when"), role);
        List<Where> where = readWhere(e.child("where"), logicalColumns, columns);
        String category = e.string("category", "iam");
        if (!CATEGORIES.contains(category)) {
            e.child("category").problem("must be an ECS category (" + String.join(", ", new java.util.TreeSet<>(
                    CATEGORIES)) + "), not '" + category + "'");
        }
        List<String> types = e.stringList("type");
        String outcomeText = e.choice("outcome", "success", "success", "failure", "unknown");
        int severity = e.integer("severity", 3, 0, 10);
        String messageText = e.string("message", name);
        Template message = messageText == null ? null : Template.compile(messageText,
                v -> isKnownVariable(v, logicalColumns),
                v -> e.child("message").problem("unknown placeholder {" + v + "}; use a logical column ("
                        + String.join(", ", logicalColumns) + "), before.X / after.X, or one of "
                        + String.join(", ", new java.util.TreeSet<>(TableMapping.SPECIAL_VARIABLES))));
        e.rejectUnknownKeys();
        if (action == null || when == null || message == null) {
            return null;
        }
        return new EventSpec(action, name, when, category, types, Outcome.valueOf(outcomeText.toUpperCase(
                Locale.ROOT)), severity, message, where);
    }

    /**
     * A placeholder is a declared logical column, {@code before.X} / {@code after.X}, or a special variable;
     * a mapping that declares no columns may name raw columns instead.
     */
    private static boolean isKnownVariable(String placeholder, Set<String> logicalColumns) {
        String v = Template.withoutLabel(placeholder);
        String base = Template.columnPart(placeholder);
        if (TableMapping.SPECIAL_VARIABLES.contains(v) || logicalColumns.contains(base)) {
            return true;
        }
        return (logicalColumns.isEmpty() || !base.equals(v)) && base.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    private static Condition readCondition(ConfigNode n, String role) {
        if (!n.isPresent()) {
            n.problem("missing 'when': one of " + String.join(", ", Condition.OPS) + ", or a map with one of "
                    + String.join(", ", Condition.KEYS));
            return null;
        }
        if (n.isScalar()) {
            String op = n.text();
            if (!Condition.OPS.contains(op)) {
                n.problem("must be one of " + String.join(", ", Condition.OPS) + ", or a map with one of "
                        + String.join(", ", Condition.KEYS) + "; not '" + op + "'");
                return null;
            }
            return new Condition(Condition.kindOf(op), null);
        }
        Map<String, ConfigNode> entries = n.entries();
        if (entries.size() != 1) {
            n.problem("must have exactly one of " + String.join(", ", Condition.KEYS));
            return null;
        }
        Map.Entry<String, ConfigNode> only = entries.entrySet().iterator().next();
        Condition.Kind kind = Condition.kindOf(only.getKey());
        if (kind == null || Condition.OPS.contains(only.getKey())) {
            only.getValue().problem("unknown condition '" + only.getKey() + "'; allowed: "
                    + String.join(", ", Condition.KEYS));
            return null;
        }
        String column = only.getValue().text();
        if ((kind == Condition.Kind.BECAME || kind == Condition.Kind.CEASED)) {
            if (!"superAdmin".equals(column)) {
                only.getValue().problem("the only derived flag is superAdmin, not '" + column + "'");
                return null;
            }
            if (!role.equals("users") && !role.equals("userclasses")) {
                only.getValue().problem("needs role users or userclasses");
                return null;
            }
        }
        return column == null ? null : new Condition(kind, column);
    }

    /** {@code user-class-added} becomes {@code User class added}. */
    static String humanName(String action) {
        String s = action.replace('-', ' ').replace('.', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String key(TableMapping m) {
        return m.module() + "/" + m.table().toLowerCase(Locale.ROOT);
    }

    private static String moduleOf(String resource) {
        String[] parts = resource.split("/");
        return parts.length >= 3 ? parts[parts.length - 2] : "automate";
    }
}
