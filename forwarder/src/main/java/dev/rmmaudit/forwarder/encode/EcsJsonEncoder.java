package dev.rmmaudit.forwarder.encode;

import static dev.rmmaudit.forwarder.encode.JsonText.stringOrNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per event with Elastic Common Schema field names ({@code event.*}, {@code user.*},
 * {@code user.target.*}, {@code source.ip}, {@code related.user}); facts ECS has no field for go under the
 * module's own namespace ({@code automate.*}).
 */
public final class EcsJsonEncoder implements Encoder {
    static final String ECS_VERSION = "8.11.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Top-level fields written before the module's own object: a module of that name would replace one. */
    private static final Set<String> TOP_LEVEL = Set.of("@timestamp", "ecs", "event", "message", "rule", "rmm_audit",
            "user", "source", "related");

    @Override
    public String encode(SecurityEvent e) {
        return JsonText.of(g -> write(e, g));
    }

    /**
     * Writes the ECS document for {@code e}, exactly as serialising {@link #toEcs} would, without building the
     * whole tree (only the module's own object, where attribute paths may merge, is built as one): the HEC
     * sink encodes every event this way, and the tree was most of what it allocated.
     */
    public void write(SecurityEvent e, com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        if (TOP_LEVEL.contains(vendorName(e))) {
            g.writeTree(toEcs(e)); // the module's object replaces a field written earlier: let the tree decide
        } else {
            writeDocument(e, g);
        }
    }

    private static String vendorName(SecurityEvent e) {
        return e.module() == null ? "rmm_audit" : e.module();
    }

    // Field names pre-encoded once (Jackson copies their quoted bytes instead of escaping each name again).
    private static final SerializedString N_ACTION = new SerializedString("action");
    private static final SerializedString N_AFTER = new SerializedString("after");
    private static final SerializedString N_BEFORE = new SerializedString("before");
    private static final SerializedString N_CATEGORY = new SerializedString("category");
    private static final SerializedString N_CHAIN = new SerializedString("chain");
    private static final SerializedString N_HASH = new SerializedString("hash");
    private static final SerializedString N_KEY = new SerializedString("key");
    private static final SerializedString N_PREVIOUS = new SerializedString("previous");
    private static final SerializedString N_RUN = new SerializedString("run");
    private static final SerializedString N_SEQUENCE = new SerializedString("sequence");
    private static final SerializedString N_STREAM = new SerializedString("stream");
    private static final SerializedString N_CHANGES = new SerializedString("changes");
    private static final SerializedString N_DATABASE = new SerializedString("database");
    private static final SerializedString N_DATASET = new SerializedString("dataset");
    private static final SerializedString N_ECS = new SerializedString("ecs");
    private static final SerializedString N_EMAIL = new SerializedString("email");
    private static final SerializedString N_EVENT = new SerializedString("event");
    private static final SerializedString N_FROM = new SerializedString("from");
    private static final SerializedString N_GROUP = new SerializedString("group");
    private static final SerializedString N_ID = new SerializedString("id");
    private static final SerializedString N_IP = new SerializedString("ip");
    private static final SerializedString N_KIND = new SerializedString("kind");
    private static final SerializedString N_MESSAGE = new SerializedString("message");
    private static final SerializedString N_MODULE = new SerializedString("module");
    private static final SerializedString N_NAME = new SerializedString("name");
    private static final SerializedString N_ORIGIN = new SerializedString("origin");
    private static final SerializedString N_OUTCOME = new SerializedString("outcome");
    private static final SerializedString N_POSITION = new SerializedString("position");
    private static final SerializedString N_RELATED = new SerializedString("related");
    private static final SerializedString N_RMM_AUDIT = new SerializedString("rmm_audit");
    private static final SerializedString N_RULE = new SerializedString("rule");
    private static final SerializedString N_RULESET = new SerializedString("ruleset");
    private static final SerializedString N_SERVER = new SerializedString("server");
    private static final SerializedString N_SEVERITY = new SerializedString("severity");
    private static final SerializedString N_SOURCE = new SerializedString("source");
    private static final SerializedString N_SUPER_ADMIN = new SerializedString("super_admin");
    private static final SerializedString N_TABLE = new SerializedString("table");
    private static final SerializedString N_TARGET = new SerializedString("target");
    private static final SerializedString N_TIMESTAMP = new SerializedString("@timestamp");
    private static final SerializedString N_TO = new SerializedString("to");
    private static final SerializedString N_TRIGGERING_EVENT_IDS = new SerializedString("triggering_event_ids");
    private static final SerializedString N_TYPE = new SerializedString("type");
    private static final SerializedString N_USER = new SerializedString("user");
    private static final SerializedString N_VERSION = new SerializedString("version");

    /**
     * The ECS layout, in one place: {@link #write} and {@link #toEcs} both come from here. A module named like
     * an earlier top-level field writes that name twice; read into a tree, the module's object then replaces
     * the field in its place (as putting it into the tree would), which is how {@link #toEcs} resolves it.
     */
    private static void writeDocument(SecurityEvent e, com.fasterxml.jackson.core.JsonGenerator g)
            throws java.io.IOException {
        g.writeStartObject();
        str(g, N_TIMESTAMP, Timestamps.iso(e.time()));
        object(g, N_ECS);
        str(g, N_VERSION, ECS_VERSION);
        g.writeEndObject();
        object(g, N_EVENT);
        str(g, N_ID, e.id());
        str(g, N_KIND, e.kind().label());
        array(g, N_CATEGORY);
        item(g, e.category());
        g.writeEndArray();
        array(g, N_TYPE);
        for (String t : e.types()) {
            item(g, t);
        }
        g.writeEndArray();
        str(g, N_ACTION, e.action());
        str(g, N_OUTCOME, e.outcome().label());
        number(g, N_SEVERITY, e.severity());
        str(g, N_MODULE, e.module());
        str(g, N_DATASET, e.dataset());
        if (e.seal() != null) {
            g.writeFieldName(N_SEQUENCE);
            g.writeNumber(e.seal().sequence());
            str(g, N_HASH, e.seal().hash());
        }
        g.writeEndObject();
        str(g, N_MESSAGE, e.message());
        if (e.isAlert()) {
            object(g, N_RULE);
            str(g, N_ID, e.ruleId());
            str(g, N_NAME, e.ruleName());
            str(g, N_RULESET, "rmm-audit");
            g.writeEndObject();
        }
        if ((e.isAlert() || e.seal() != null) && !vendorName(e).equals("rmm_audit")) {
            object(g, N_RMM_AUDIT);
            writeOwn(e, g);
            g.writeEndObject();
        }
        boolean target = e.targetUserName() != null || e.targetUserId() != null || !e.targetGroups().isEmpty();
        if (e.actor() != null || target) {
            object(g, N_USER);
            if (e.actor() != null) {
                str(g, N_NAME, e.actor());
            }
            if (target) {
                object(g, N_TARGET);
                fieldIfPresent(g, N_ID, e.targetUserId());
                fieldIfPresent(g, N_NAME, e.targetUserName());
                fieldIfPresent(g, N_EMAIL, e.targetUserEmail());
                if (!e.targetGroups().isEmpty()) {
                    object(g, N_GROUP);
                    array(g, N_NAME);
                    for (String group : e.targetGroups()) {
                        item(g, group);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (e.sourceAddress() != null) {
            object(g, N_SOURCE);
            str(g, N_IP, e.sourceAddress());
            g.writeEndObject();
        }
        if (e.actor() != null || e.targetUserName() != null) {
            object(g, N_RELATED);
            array(g, N_USER);
            if (e.actor() != null) {
                g.writeString(e.actor());
            }
            if (e.targetUserName() != null && !e.targetUserName().equals(e.actor())) {
                g.writeString(e.targetUserName());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeFieldName(vendorName(e));
        if (vendorIsFlat(e)) {
            writeVendor(e, g);
        } else {
            g.writeTree(vendorTree(e)); // attribute paths nest or meet a section: the tree merges them
        }
        g.writeEndObject();
    }

    /** Column changes as one object, {@code {"Email":{"from":…,"to":…}}} (CEF's {@code cs4} is the same JSON). */
    static void writeChanges(com.fasterxml.jackson.core.JsonGenerator g, Map<String, SecurityEvent.Change> changes)
            throws java.io.IOException {
        g.writeStartObject();
        for (Map.Entry<String, SecurityEvent.Change> c : changes.entrySet()) {
            g.writeObjectFieldStart(c.getKey());
            str(g, N_FROM, c.getValue().from());
            str(g, N_TO, c.getValue().to());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * The forwarder's own fields: an alert's triggering event ids and an event's chain link. They go in the
     * {@code rmm_audit} object, or in the module's object when the module is itself named {@code rmm_audit}.
     */
    private static void writeOwn(SecurityEvent e, JsonGenerator g) throws java.io.IOException {
        if (e.isAlert()) {
            array(g, N_TRIGGERING_EVENT_IDS);
            for (String id : e.relatedEventIds()) {
                item(g, id);
            }
            g.writeEndArray();
        }
        SecurityEvent.Seal seal = e.seal();
        if (seal != null) {
            object(g, N_CHAIN);
            str(g, N_KEY, seal.key());
            str(g, N_STREAM, seal.stream());
            g.writeFieldName(N_RUN);
            g.writeNumber(seal.run());
            str(g, N_PREVIOUS, seal.previous());
            g.writeEndObject();
        }
    }

    private static void putOwn(SecurityEvent e, ObjectNode into) {
        if (e.isAlert()) {
            com.fasterxml.jackson.databind.node.ArrayNode ids = into.putArray("triggering_event_ids");
            e.relatedEventIds().forEach(ids::add);
        }
        SecurityEvent.Seal seal = e.seal();
        if (seal != null) {
            into.putObject("chain").put("key", seal.key()).put("stream", seal.stream()).put("run", seal.run())
                    .put("previous", seal.previous());
        }
    }

    private static void str(JsonGenerator g, SerializedString name, String value) throws java.io.IOException {
        g.writeFieldName(name);
        g.writeString(value); // null writes null, as stringOrNull does
    }

    private static void fieldIfPresent(JsonGenerator g, SerializedString name, String value)
            throws java.io.IOException {
        if (value != null) {
            str(g, name, value);
        }
    }

    private static void object(JsonGenerator g, SerializedString name) throws java.io.IOException {
        g.writeFieldName(name);
        g.writeStartObject();
    }

    private static void array(JsonGenerator g, SerializedString name) throws java.io.IOException {
        g.writeFieldName(name);
        g.writeStartArray();
    }

    private static void number(JsonGenerator g, SerializedString name, int value) throws java.io.IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void bool(JsonGenerator g, SerializedString name, boolean value) throws java.io.IOException {
        g.writeFieldName(name);
        g.writeBoolean(value);
    }

    /** True when no attribute path nests or names one of the module object's own sections. */
    private static boolean vendorIsFlat(SecurityEvent e) {
        for (String key : e.attributes().keySet()) {
            if (key.indexOf('.') >= 0 || key.equals("super_admin") || key.equals("changes") || key.equals("origin")) {
                return false;
            }
        }
        return true;
    }

    /** The module's own object written straight out: what serialising {@link #vendorTree} gives, when flat. */
    private static void writeVendor(SecurityEvent e, com.fasterxml.jackson.core.JsonGenerator g)
            throws java.io.IOException {
        g.writeStartObject();
        if (vendorName(e).equals("rmm_audit")) {
            writeOwn(e, g);
        }
        if (e.superAdminBefore() != null || e.superAdminAfter() != null) {
            object(g, N_SUPER_ADMIN);
            if (e.superAdminBefore() != null) {
                bool(g, N_BEFORE, e.superAdminBefore());
            }
            if (e.superAdminAfter() != null) {
                bool(g, N_AFTER, e.superAdminAfter());
            }
            g.writeEndObject();
        }
        if (!e.changes().isEmpty()) {
            g.writeFieldName(N_CHANGES);
            writeChanges(g, e.changes());
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            stringOrNull(g, a.getKey(), a.getValue());
        }
        if (e.origin() != null) {
            object(g, N_ORIGIN);
            fieldIfPresent(g, N_SERVER, e.origin().server());
            fieldIfPresent(g, N_DATABASE, e.origin().database());
            fieldIfPresent(g, N_TABLE, e.origin().table());
            fieldIfPresent(g, N_POSITION, e.origin().position());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void item(com.fasterxml.jackson.core.JsonGenerator g, String value) throws java.io.IOException {
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    /** The ECS document for {@code e}. */
    public ObjectNode toEcs(SecurityEvent e) {
        com.fasterxml.jackson.databind.util.TokenBuffer tokens = new com.fasterxml.jackson.databind.util.TokenBuffer(
                JSON, false);
        try {
            writeDocument(e, tokens);
            return (ObjectNode) JSON.readTree(tokens.asParser());
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("JSON written to memory always reads back", ex);
        }
    }

    /** The module's own object as a tree: SuperAdmin flags, changes, attributes (at their dotted paths), origin. */
    static ObjectNode vendorTree(SecurityEvent e) {
        ObjectNode vendor = JSON.createObjectNode();
        if (vendorName(e).equals("rmm_audit")) {
            putOwn(e, vendor);
        }
        if (e.superAdminBefore() != null || e.superAdminAfter() != null) {
            ObjectNode sa = vendor.putObject("super_admin");
            if (e.superAdminBefore() != null) {
                sa.put("before", e.superAdminBefore());
            }
            if (e.superAdminAfter() != null) {
                sa.put("after", e.superAdminAfter());
            }
        }
        if (!e.changes().isEmpty()) {
            ObjectNode changes = vendor.putObject("changes");
            e.changes().forEach((k, c) -> changes.putObject(k).put("from", c.from()).put("to", c.to()));
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            putPath(vendor, a.getKey(), a.getValue());
        }
        if (e.origin() != null) {
            ObjectNode origin = vendor.putObject("origin");
            putIfPresent(origin, "server", e.origin().server());
            putIfPresent(origin, "database", e.origin().database());
            putIfPresent(origin, "table", e.origin().table());
            putIfPresent(origin, "position", e.origin().position());
        }
        return vendor;
    }

    /**
     * The ECS document for {@code e} flattened to dotted field names, each with its values in document order:
     * exactly what flattening {@link #toEcs} gives, without building the tree (the rules read every event this
     * way; the tree and the key strings were the largest allocation on the pipeline's thread). Null values are
     * left out, as flattening leaves them out.
     */
    public Map<String, java.util.List<String>> flat(SecurityEvent e) {
        return flat(e, WantedFields.ALL);
    }

    /**
     * {@link #flat(SecurityEvent)} with only the {@code wanted} fields (all when null): the same entries as the
     * whole view restricted to those names, without building the others (the rules read a few dozen of the
     * names an event has).
     */
    public Map<String, java.util.List<String>> flat(SecurityEvent e, WantedFields wanted) {
        if (wanted == null) {
            wanted = WantedFields.ALL;
        }
        Flat out = new Flat(wanted.names, 48);
        if (out.wants("@timestamp")) {
            out.add("@timestamp", Timestamps.iso(e.time()));
        }
        out.add("ecs.version", ECS_VERSION);
        out.add("event.id", e.id());
        out.add("event.kind", e.kind().label());
        out.add("event.category", e.category());
        for (String t : e.types()) {
            out.add("event.type", t);
        }
        out.add("event.action", e.action());
        out.add("event.outcome", e.outcome().label());
        if (out.wants("event.severity")) {
            out.add("event.severity", Integer.toString(e.severity()));
        }
        out.add("event.module", e.module());
        out.add("event.dataset", e.dataset());
        SecurityEvent.Seal seal = e.seal();
        if (seal != null) {
            out.add("event.sequence", Long.toString(seal.sequence()));
            out.add("event.hash", seal.hash());
        }
        out.add("message", e.message());
        if (e.isAlert()) {
            out.add("rule.id", e.ruleId());
            out.add("rule.name", e.ruleName());
            out.add("rule.ruleset", "rmm-audit");
        }
        addOwn(e, out, "rmm_audit.");
        out.add("user.name", e.actor());
        if (e.targetUserName() != null || e.targetUserId() != null || !e.targetGroups().isEmpty()) {
            out.add("user.target.id", e.targetUserId());
            out.add("user.target.name", e.targetUserName());
            out.add("user.target.email", e.targetUserEmail());
            for (String g : e.targetGroups()) {
                out.add("user.target.group.name", g);
            }
        }
        out.add("source.ip", e.sourceAddress());
        out.add("related.user", e.actor());
        if (e.targetUserName() != null && !e.targetUserName().equals(e.actor())) {
            out.add("related.user", e.targetUserName());
        }
        String vendor = e.module() == null ? "rmm_audit" : e.module();
        out.replace(vendor); // as putObject replaces a top-level field of that name
        ModuleWants under = wanted.under(vendor);
        if (!under.module()) {
            return out.fields; // nothing wanted from the module's object
        }
        ModuleNames v = under.names();
        // The module's object on its own: replacing a path inside it scans only its own fields.
        Flat module = new Flat(out.wanted, 32);
        if (vendor.equals("rmm_audit")) {
            addOwn(e, module, "rmm_audit.");
        }
        if (e.superAdminBefore() != null) {
            module.add(v.superAdminBefore, e.superAdminBefore().toString());
        }
        if (e.superAdminAfter() != null) {
            module.add(v.superAdminAfter, e.superAdminAfter().toString());
        }
        if (under.changes()) {
            for (Map.Entry<String, SecurityEvent.Change> c : e.changes().entrySet()) {
                String at = v.changes + c.getKey();
                module.add(at + ".from", c.getValue().from());
                module.add(at + ".to", c.getValue().to());
            }
        }
        StringBuilder path = new StringBuilder(64);
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            // putPath: each intermediate that holds a value becomes an object; the leaf replaces what was there
            String key = a.getKey();
            int end = key.length();
            while (end > 0 && key.charAt(end - 1) == '.') {
                end--; // as putPath's split drops trailing empty parts
            }
            path.setLength(0);
            path.append(vendor);
            int from = 0;
            for (int dot = key.indexOf('.'); dot >= 0 && dot < end; dot = key.indexOf('.', from)) {
                path.append('.').append(key, from, dot);
                module.fields.remove(path.toString());
                from = dot + 1;
            }
            String leaf = path.append('.').append(key, from, end).toString();
            module.replace(leaf);
            module.add(leaf, a.getValue());
        }
        if (e.origin() != null) {
            module.replace(v.origin);
            module.add(v.originServer, e.origin().server());
            module.add(v.originDatabase, e.origin().database());
            module.add(v.originTable, e.origin().table());
            module.add(v.originPosition, e.origin().position());
        }
        out.fields.putAll(module.fields);
        return out.fields;
    }

    /** {@link #writeOwn}'s fields, flattened under {@code prefix}. */
    private static void addOwn(SecurityEvent e, Flat out, String prefix) {
        if (e.isAlert()) {
            for (String id : e.relatedEventIds()) {
                out.add(prefix + "triggering_event_ids", id);
            }
        }
        SecurityEvent.Seal seal = e.seal();
        if (seal != null) {
            out.add(prefix + "chain.key", seal.key());
            out.add(prefix + "chain.stream", seal.stream());
            out.add(prefix + "chain.run", Long.toString(seal.run()));
            out.add(prefix + "chain.previous", seal.previous());
        }
    }

    /** The dotted names in one module's object, made once per module name rather than once per event. */
    private static final class ModuleNames {
        final String module;
        final String superAdminBefore;
        final String superAdminAfter;
        final String changes;
        final String origin;
        final String originServer;
        final String originDatabase;
        final String originTable;
        final String originPosition;

        ModuleNames(String module) {
            String v = module + ".";
            this.module = module;
            superAdminBefore = v + "super_admin.before";
            superAdminAfter = v + "super_admin.after";
            changes = v + "changes.";
            origin = v + "origin";
            originServer = v + "origin.server";
            originDatabase = v + "origin.database";
            originTable = v + "origin.table";
            originPosition = v + "origin.position";
        }
    }

    /**
     * Field names to build views of, with what they ask of each module's object (whether anything, whether its
     * changes) worked out once per module rather than once per event.
     */
    public static final class WantedFields {
        /** Every field (the whole view); its {@link #names()} are null. */
        static final WantedFields ALL = new WantedFields();

        private final Set<String> names;
        private final Map<String, ModuleWants> modules = new java.util.concurrent.ConcurrentHashMap<>();

        public WantedFields(Set<String> names) {
            this.names = Set.copyOf(names);
        }

        private WantedFields() {
            this.names = null;
        }

        public Set<String> names() {
            return names;
        }

        ModuleWants under(String module) {
            return modules.computeIfAbsent(module, m -> {
                ModuleNames n = new ModuleNames(m);
                return new ModuleWants(n, anyUnder(m + "."), anyUnder(n.changes));
            });
        }

        private boolean anyUnder(String prefix) {
            if (names == null) {
                return true;
            }
            for (String w : names) {
                if (w.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether the wanted fields name any under a module's object, and any under its changes. */
    private record ModuleWants(ModuleNames names, boolean module, boolean changes) {
    }

    /** Flattened fields being built, keeping only the wanted ones (all when {@code wanted} is null). */
    private static final class Flat {
        final Map<String, java.util.List<String>> fields;
        final Set<String> wanted;

        Flat(Set<String> wanted, int capacity) {
            this.wanted = wanted;
            this.fields = new java.util.LinkedHashMap<>(capacity);
        }

        boolean wants(String field) {
            return wanted == null || wanted.contains(field);
        }

        /** Adds a value to a field: most fields hold one, kept as an immutable one-element list. */
        void add(String field, String value) {
            if (value == null || !wants(field)) {
                return;
            }
            java.util.List<String> old = fields.get(field);
            if (old == null) {
                fields.put(field, java.util.List.of(value));
            } else if (old instanceof java.util.ArrayList<String> many) {
                many.add(value);
            } else {
                java.util.List<String> many = new java.util.ArrayList<>(4);
                many.addAll(old);
                many.add(value);
                fields.put(field, many);
            }
        }

        void replace(String field) {
            EcsJsonEncoder.replace(fields, field);
        }
    }

    /** Removes {@code field} and everything under it, as putting a new node at that name does. */
    private static void replace(Map<String, java.util.List<String>> out, String field) {
        out.remove(field);
        int n = field.length();
        out.keySet().removeIf(k -> k.length() > n && k.charAt(n) == '.' && k.startsWith(field));
    }

    /** Puts {@code value} at a dotted path ({@code class.id} becomes {@code {"class":{"id":…}}}). */
    private static void putPath(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.");
        if (parts.length == 0) {
            parts = new String[] {""}; // a path of dots only: split leaves nothing, the leaf is the empty name
        }
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = n.get(parts[i]);
            n = child instanceof ObjectNode o ? o : n.putObject(parts[i]);
        }
        n.put(parts[parts.length - 1], value);
    }

    private static void putIfPresent(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
