package dev.rmmaudit.forwarder.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read-only view of one YAML node that remembers where it came from (file, line, key path).
 *
 * <p>Typed getters never throw: a wrong value is recorded in {@link Problems} with its location and what
 * is allowed, and the default is returned, so that one pass reports every problem. Keys that were never
 * asked for are reported by {@link #rejectUnknownKeys()}.
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final Node node;
    private final Env env;
    private final Problems problems;
    private final Set<String> asked = new LinkedHashSet<>();

    private ConfigNode(String file, String path, Node node, Env env, Problems problems) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.env = env;
        this.problems = problems;
    }

    /** Parses a YAML file; a syntax error becomes a problem and an empty node is returned. */
    public static ConfigNode parse(Path file, Env env, Problems problems) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), env, problems);
        } catch (IOException e) {
            problems.add(file.toString(), "cannot read file: " + e.getMessage());
            return new ConfigNode(file.toString(), "", null, env, problems);
        }
    }

    /** Parses YAML text that came from {@code name} (a file name or resource). */
    public static ConfigNode parse(String name, String text, Env env, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        try (Reader reader = new StringReader(text)) {
            Node root = new Yaml(options).compose(reader);
            return new ConfigNode(name, "", root, env, problems);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add(name + ":" + line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            problems.add(name, "not valid YAML: " + e.getMessage());
        }
        return new ConfigNode(name, "", null, env, problems);
    }

    /** Parses every document of a multi-document YAML text ({@code ---} between documents). */
    public static List<ConfigNode> parseAll(String name, String text, Env env, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        List<ConfigNode> out = new ArrayList<>();
        try {
            for (Node root : new Yaml(options).composeAll(new StringReader(text))) {
                out.add(new ConfigNode(name, "", root, env, problems));
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add(name + ":" + line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            problems.add(name, "not valid YAML: " + e.getMessage());
        }
        return out;
    }

    /** The key path of this node, such as {@code detection.selection}. */
    public String path() {
        return path;
    }

    /** The keys of this map in file order, without marking them as asked for. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    out.add(k.getValue());
                }
            }
        }
        return out;
    }

    public boolean isPresent() {
        return node != null;
    }

    public String file() {
        return file;
    }

    /** Where this node is, as {@code file:line key.path}. */
    public String location() {
        String line = node == null ? "" : ":" + (node.getStartMark().getLine() + 1);
        return file + line + (path.isEmpty() ? "" : " " + path);
    }

    public Problems problems() {
        return problems;
    }

    /** Records a problem at this node. */
    public void problem(String message) {
        problems.add(location(), message);
    }

    public boolean has(String key) {
        return child(key).isPresent();
    }

    /** The child at {@code key}, or an absent node (never null). */
    public ConfigNode child(String key) {
        asked.add(key);
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    Node value = t.getValueNode();
                    boolean isNull = value instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
                    return new ConfigNode(file, childPath, isNull ? null : value, env, problems);
                }
            }
        }
        return new ConfigNode(file, childPath, null, env, problems);
    }

    /** This node as text with environment references expanded, or null when absent or not a scalar. */
    public String text() {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            problem("must be a single value, not a " + kind(node));
            return null;
        }
        return env.expand(s.getValue(), name -> problem("environment variable " + name
                + " is not set (write ${" + name + ":-default} to give a default)"));
    }

    public String string(String key, String defaultValue) {
        String value = child(key).text();
        return value == null ? defaultValue : value;
    }

    public String requiredString(String key) {
        ConfigNode c = child(key);
        String value = c.text();
        if (value == null || value.isBlank()) {
            if (!c.isPresent()) {
                problems.add(location(), "missing required key '" + key + "'");
            } else if (value != null) {
                c.problem("must not be empty");
            }
            return null;
        }
        return value;
    }

    /** A secret value: read like a string, but kept in a {@link Secret} that never prints itself. */
    public Secret secret(String key) {
        ConfigNode c = child(key);
        String value = c.text();
        return value == null ? Secret.NONE : new Secret(value);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        ConfigNode c = child(key);
        String value = c.text();
        if (value == null) {
            return defaultValue;
        }
        try {
            long v = Long.parseLong(value.trim().replace("_", ""));
            if (v < min || v > max) {
                c.problem("must be a whole number from " + min + " to " + max + ", not " + value);
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            c.problem("must be a whole number from " + min + " to " + max + ", not '" + value + "'");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        ConfigNode c = child(key);
        String value = c.text();
        if (value == null) {
            return defaultValue;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> {
                c.problem("must be true or false, not '" + value + "'");
                return defaultValue;
            }
        }
    }

    /** One of {@code allowed} (case-insensitive, returned in lower case), or the default when absent. */
    public String choice(String key, String defaultValue, String... allowed) {
        ConfigNode c = child(key);
        String value = c.text();
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return a;
            }
        }
        c.problem("must be one of " + String.join(" | ", allowed) + ", not '" + value + "'");
        return defaultValue;
    }

    /** The items of a list; an absent key gives an empty list, a non-list a problem. */
    public List<ConfigNode> list(String key) {
        ConfigNode c = child(key);
        return c.items();
    }

    public List<ConfigNode> items() {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem("must be a list, not a " + kind(node));
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        List<Node> values = seq.getValue();
        for (int i = 0; i < values.size(); i++) {
            out.add(new ConfigNode(file, path + "[" + i + "]", values.get(i), env, problems));
        }
        return out;
    }

    /** A list of strings; a single value is taken as a list of one. */
    public List<String> stringList(String key) {
        ConfigNode c = child(key);
        if (!c.isPresent()) {
            return List.of();
        }
        if (c.node instanceof ScalarNode) {
            String t = c.text();
            return t == null ? List.of() : List.of(t);
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode item : c.items()) {
            String t = item.text();
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** The entries of a map in file order; a non-map gives a problem. */
    public Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof MappingNode map)) {
            problem("must be a map of keys to values, not a " + kind(node));
            return out;
        }
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.put(k.getValue(), child(k.getValue()));
            }
        }
        return out;
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** Reports every key of this map that no getter asked for, naming the keys that are allowed. */
    public void rejectUnknownKeys() {
        if (!(node instanceof MappingNode map)) {
            if (node != null && !asked.isEmpty()) {
                problem("must be a map with keys " + String.join(", ", asked) + ", not a " + kind(node));
            }
            return;
        }
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && !asked.contains(k.getValue())) {
                String childPath = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                problems.add(file + ":" + (k.getStartMark().getLine() + 1) + " " + childPath,
                        "unknown key; allowed here: " + String.join(", ", asked));
            }
        }
    }


    private static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "map";
        }
        if (n instanceof SequenceNode) {
            return "list";
        }
        return "value";
    }
}
