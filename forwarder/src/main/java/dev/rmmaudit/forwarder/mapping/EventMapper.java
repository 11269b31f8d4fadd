package dev.rmmaudit.forwarder.mapping;

import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.event.SecurityEvent.Change;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory.User;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.RowChange.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a row becomes events: applies a table's mapping to one row change, enriches the events from the
 * {@link AutomateDirectory}, then brings the directory up to date with the change.
 *
 * <p>SuperAdmin flags are computed from the row's own before and after images plus the other table's
 * current state, so a replay after a restart (at-least-once) detects the same flips as the first pass.
 */
public final class EventMapper {
    static final String REDACTED = "[redacted]";

    private final Mappings mappings;
    private final AutomateDirectory directory;
    /** Each mapping's {@link Plan}; filled here, read-only afterwards (sources map on threads of their own). */
    private final Map<TableMapping, Plan> plans = new java.util.IdentityHashMap<>();

    public EventMapper(Mappings mappings, AutomateDirectory directory) {
        this.mappings = mappings;
        this.directory = directory;
        mappings.tables().forEach(m -> plans.put(m, new Plan(m)));
        mappings.withRole("automate", "userclasses").ifPresent(m -> directory.superAdminMask(m.superAdminMask()));
    }

    public AutomateDirectory directory() {
        return directory;
    }

    /** The events for one change of a table of {@code module}; none when the table has no mapping. */
    public List<SecurityEvent> map(String module, RowChange change) {
        TableMapping m = mappings.find(module, change.table()).orElse(null);
        if (m == null) {
            return List.of();
        }
        Plan plan = plans.get(m);
        Row row = new Row(m, change);
        List<SecurityEvent> events = new ArrayList<>();
        List<EventSpec> specs = m.events();
        for (int i = 0; i < specs.size(); i++) {
            EventSpec spec = specs.get(i);
            if (!matchesWhere(spec, row)) {
                continue;
            }
            for (Match match : evaluate(spec.when(), plan.columns[i], plan.secret[i], row)) {
                events.add(build(spec, plan, row, match));
            }
        }
        update(row);
        return events;
    }

    /**
     * What a mapping's event specs read, worked out once instead of for every row: the column behind each
     * condition (null where it names none) and whether that column is secret, and the events' dataset.
     */
    private static final class Plan {
        final String[] columns;
        final boolean[] secret;
        final String dataset;

        Plan(TableMapping m) {
            List<EventSpec> specs = m.events();
            columns = new String[specs.size()];
            secret = new boolean[specs.size()];
            for (int i = 0; i < columns.length; i++) {
                String logical = specs.get(i).when().column();
                columns[i] = logical == null ? null : m.column(logical);
                secret[i] = columns[i] != null && m.isSecret(columns[i]);
            }
            dataset = m.module() + "." + m.table().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static boolean matchesWhere(EventSpec spec, Row row) {
        for (Where w : spec.where()) {
            if (!w.test(row.image(w.image()))) {
                return false;
            }
        }
        return true;
    }

    /** A row change with secrets removed and the role's derived facts. */
    private final class Row {
        final TableMapping m;
        final RowChange c;
        final Map<String, Object> before;
        final Map<String, Object> after;
        final Set<String> secretsChanged = new HashSet<>();
        final String key;
        List<String> classesBefore = List.of();
        List<String> classesAfter = List.of();

        Row(TableMapping m, RowChange c) {
            this.m = m;
            this.c = c;
            this.before = withoutSecrets(c.before());
            this.after = withoutSecrets(c.after());
            for (String s : m.secrets()) {
                if (c.op() == Op.UPDATE && Values.differ(c.before().get(s), c.after().get(s))) {
                    secretsChanged.add(s.toLowerCase(java.util.Locale.ROOT));
                }
            }
            this.key = Values.text(current().get(m.key()));
            if (m.role().equals("users")) {
                String classes = m.column("classes");
                Object b = before.get(classes);
                Object a = after.get(classes);
                classesBefore = Values.list(b);
                // most updates leave the classes as they were: one list for both (none changes a list)
                classesAfter = a != null && a.equals(b) ? classesBefore : Values.list(a);
            }
        }

        Map<String, Object> current() {
            return c.op() == Op.DELETE ? before : after;
        }

        Map<String, Object> image(String which) {
            return switch (which) {
                case "before" -> before;
                case "after" -> after;
                default -> current();
            };
        }

        String value(String logical) {
            return Values.text(current().get(m.column(logical)));
        }

        private Map<String, Object> withoutSecrets(Map<String, Object> row) {
            return m.secrets().isEmpty() ? row : new SecretsHidden(row, m);
        }
    }

    /**
     * A row as the mapping may see it: secret columns are absent. A view, not a copy: a row is read a few
     * columns at a time, and copying every image cost more than the rest of the mapping.
     */
    private static final class SecretsHidden extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> row;
        private final TableMapping m;
        private Set<Entry<String, Object>> entries;

        SecretsHidden(Map<String, Object> row, TableMapping m) {
            this.row = row;
            this.m = m;
        }

        @Override
        public Object get(Object key) {
            return key instanceof String k && m.isSecret(k) ? null : row.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return !(key instanceof String k && m.isSecret(k)) && row.containsKey(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            if (entries == null) {
                Map<String, Object> out = new LinkedHashMap<>();
                row.forEach((k, v) -> {
                    if (!m.isSecret(k)) {
                        out.put(k, v);
                    }
                });
                entries = java.util.Collections.unmodifiableMap(out).entrySet();
            }
            return entries;
        }
    }

    /** The matches of one condition; {@code col} is the column it names, {@code secret} whether that is secret. */
    private List<Match> evaluate(Condition when, String col, boolean secret, Row r) {
        Op op = r.c.op();
        switch (when.kind()) {
            case CREATED:
                return op == Op.CREATE ? List.of(Match.single()) : List.of();
            case DELETED:
                return op == Op.DELETE ? List.of(Match.single()) : List.of();
            case UPDATED:
                return op == Op.UPDATE ? List.of(Match.single()) : List.of();
            default:
                break;
        }
        return switch (when.kind()) {
            case BECAME, CEASED -> superAdminFlips(r, when.kind() == Condition.Kind.BECAME);
            case ADVANCED_ALONE, CHANGED_BESIDES -> op != Op.UPDATE ? List.of() : wholeRowMatches(when, r, col);
            default -> op != Op.UPDATE ? List.of() : updateMatches(when, r, col, secret);
        };
    }

    private List<Match> updateMatches(Condition when, Row r, String col, boolean secret) {
        if (secret) {
            return when.kind() == Condition.Kind.CHANGED && r.secretsChanged.contains(col.toLowerCase(
                    java.util.Locale.ROOT)) ? List.of(Match.ofChange(col, new Change(REDACTED, REDACTED))) : List.of();
        }
        // not secret: the row's own images, without the view that hides secret columns
        Object b = r.c.before().get(col);
        Object a = r.c.after().get(col);
        if (a != null && a.equals(b)) {
            return List.of(); // the same value: no kind of condition matches (most conditions of most updates)
        }
        boolean matched = switch (when.kind()) {
            case CHANGED -> Values.differ(b, a);
            case ADDED, REMOVED, BITS_CHANGED -> !java.util.Objects.equals(b, a); // equal values: nothing to diff
            case INCREASED -> b != null && a != null && Values.compare(a, b) > 0;
            case DECREASED -> b != null && a != null && Values.compare(a, b) < 0;
            case ADVANCED -> a != null && (b == null || Values.compare(a, b) > 0);
            default -> false;
        };
        if (!matched) {
            return List.of(); // most conditions of most updates: no text made for values nobody reports
        }
        Change change = new Change(shown(r.m, col, Values.text(b)), shown(r.m, col, Values.text(a)));
        return switch (when.kind()) {
            case ADDED, REMOVED -> listMatches(r, col, change, when.kind() == Condition.Kind.ADDED);
            case BITS_CHANGED -> bitMatches(r, col, b, a, change);
            default -> List.of(Match.ofChange(col, change));
        };
    }

    /**
     * {@code advancedAlone}: {@code col} moved forward and is the one column that changed. {@code changedBesides}:
     * other columns changed too (or instead), named in {@code {columns}}; secret ones by name only.
     */
    private static List<Match> wholeRowMatches(Condition when, Row r, String col) {
        java.util.Set<String> names = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(r.c.before().keySet());
        names.addAll(r.c.after().keySet());
        List<String> changed = new ArrayList<>();
        boolean self = false;
        for (String n : names) {
            if (Values.differ(r.c.before().get(n), r.c.after().get(n))) {
                if (n.equalsIgnoreCase(col)) {
                    self = true;
                } else {
                    changed.add(n);
                }
            }
        }
        if (when.kind() == Condition.Kind.ADVANCED_ALONE) {
            Object b = r.c.before().get(col);
            Object a = r.c.after().get(col);
            boolean forward = a != null && (b == null || Values.compare(a, b) > 0);
            return self && forward && changed.isEmpty() ? List.of(Match.ofChange(col, new Change(shown(r.m, col,
                    Values.text(b)), shown(r.m, col, Values.text(a))))) : List.of();
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        Map<String, Change> changes = new LinkedHashMap<>();
        for (String n : changed) {
            changes.put(n, r.m.isSecret(n) ? new Change(REDACTED, REDACTED) : new Change(shown(r.m, n,
                    Values.text(r.c.before().get(n))), shown(r.m, n, Values.text(r.c.after().get(n)))));
        }
        return List.of(new Match("", ordered("columns", String.join(", ", changed)), changes, Map.of(), null, null,
                null));
    }

    private List<Match> listMatches(Row r, String col, Change change, boolean added) {
        List<String> from = Values.list(r.before.get(col));
        List<String> to = Values.list(r.after.get(col));
        List<String> diff = new ArrayList<>(added ? to : from);
        diff.removeAll(added ? from : to);
        List<Match> out = new ArrayList<>();
        boolean classes = r.m.role().equals("users") && col.equalsIgnoreCase(r.m.column("classes"));
        for (String id : diff) {
            // Automate's lists hold class ids, named from the directory; other lists (roles) name themselves.
            String name = classes ? directory.className(id) : id;
            // a list of groups (classes, ScreenConnect roles) names the target group; another list of a user's
            // (Automate's client-access list) leaves the user's classes as the groups
            List<String> groups = classes || !r.m.role().equals("users") ? List.of(name) : null;
            out.add(new Match(id, ordered("class", name, "classId", id, "item", id), Map.of(col, change),
                    classes ? ordered("class.id", id, "class.name", name) : Map.of(), null, groups, null));
        }
        return out;
    }

    private List<Match> bitMatches(Row r, String col, Object b, Object a, Change change) {
        long before = Values.bits(b);
        long after = Values.bits(a);
        if (before == after) {
            return List.of();
        }
        String gained = bitNames(r.m, after & ~before);
        String lost = bitNames(r.m, before & ~after);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("permissions.gained", gained);
        attrs.put("permissions.lost", lost);
        return List.of(new Match("", ordered("gained", gained, "lost", lost), Map.of(col, change), attrs, null, null,
                null));
    }

    private static String bitNames(TableMapping m, long bits) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((bits & (1L << i)) != 0) {
                names.add(m.bitNames().getOrDefault(i, "bit" + i));
            }
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    private List<Match> superAdminFlips(Row r, boolean became) {
        if (r.m.role().equals("users")) {
            if (r.c.op() == Op.DELETE) {
                return List.of();
            }
            boolean was = r.c.op() == Op.CREATE ? false : directory.isSuperAdmin(r.classesBefore);
            boolean is = directory.isSuperAdmin(r.classesAfter);
            if (was == is || is != became) {
                return List.of();
            }
            List<String> via = directory.superAdminClassNames(became ? r.classesAfter : r.classesBefore);
            String cls = String.join(",", via);
            return List.of(new Match("", ordered("class", cls), Map.of(), ordered("super_admin.via", cls), null, null,
                    new Boolean[] {was, is}));
        }
        String classId = r.value("id");
        String column = r.m.column("permissions");
        long permsBefore = r.c.op() == Op.CREATE ? 0 : Values.bits(r.before.get(column));
        long permsAfter = r.c.op() == Op.DELETE ? 0 : Values.bits(r.after.get(column));
        String className = r.value("name");
        List<Match> out = new ArrayList<>();
        for (User u : directory.membersOf(classId)) {
            boolean was = directory.isSuperAdmin(u.classIds(), classId, permsBefore);
            boolean is = directory.isSuperAdmin(u.classIds(), classId, permsAfter);
            if (was != is && is == became) {
                out.add(new Match(u.id(), ordered("user", nullToEmpty(u.name()), "userId", u.id(), "class",
                        nullToEmpty(className), "classId", nullToEmpty(classId)), Map.of(column, new Change(
                        Long.toUnsignedString(permsBefore), Long.toUnsignedString(permsAfter))), ordered("class.id",
                        nullToEmpty(classId), "super_admin.via", nullToEmpty(className)), u,
                        directory.classNames(u.classIds()), new Boolean[] {was, is}));
            }
        }
        return out;
    }

    private SecurityEvent build(EventSpec spec, Plan plan, Row r, Match match) {
        RowChange c = r.c;
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(EventIds.of(c.server(), c.position(), r.m.module(), r.m.table(), r.key, spec.action(),
                        match.subject()))
                .time(c.time())
                .module(r.m.module())
                .dataset(plan.dataset)
                .action(spec.action())
                .name(spec.name())
                .category(spec.category())
                .types(spec.types())
                .outcome(spec.outcome())
                .severity(spec.severity())
                .origin(new SecurityEvent.Origin(c.server(), c.database(), c.table(), c.position()));
        if (r.m.role().equals("users")) {
            boolean was = c.op() != Op.CREATE && directory.isSuperAdmin(r.classesBefore);
            boolean is = c.op() != Op.DELETE && directory.isSuperAdmin(r.classesAfter);
            b.targetUserId(r.key).targetUserName(r.value("name")).targetUserEmail(
                    r.m.columns().containsKey("email") ? r.value("email") : null)
                    .targetGroups(directory.classNames(c.op() == Op.DELETE ? r.classesBefore : r.classesAfter))
                    .superAdmin(c.op() == Op.CREATE ? null : was, c.op() == Op.DELETE ? null : is);
        } else if (r.m.role().equals("userclasses")) {
            b.targetGroups(List.of(nullToEmpty(r.value("name")))).attribute("class.id", r.key);
        }
        for (Map.Entry<String, Template> f : r.m.fields().entrySet()) {
            String value = f.getValue().renderOrNull(v -> variable(v, r, match, spec));
            switch (f.getKey()) {
                case "actor" -> b.actor(value);
                case "targetUser" -> b.targetUserName(value);
                case "targetUserId" -> b.targetUserId(value);
                case "sourceAddress" -> b.sourceAddress(value);
                default -> b.attribute(f.getKey().substring("attributes.".length()), value);
            }
        }
        if (match.targetUser() != null) {
            User u = match.targetUser();
            b.targetUserId(u.id()).targetUserName(u.name()).targetUserEmail(u.email());
        }
        if (match.groups() != null) {
            b.targetGroups(match.groups());
        }
        if (match.superAdmin() != null) {
            b.superAdmin(match.superAdmin()[0], match.superAdmin()[1]);
        }
        match.changes().forEach(b::change);
        match.attributes().forEach(b::attribute);
        b.message(spec.message().render(v -> variable(v, r, match, spec)));
        return b.build();
    }

    private static String variable(String name, Row r, Match match, EventSpec spec) {
        if (name.endsWith(".label") && !match.vars().containsKey(name)) {
            String base = name.substring(0, name.length() - ".label".length());
            String value = variable(base, r, match, spec);
            String logical = base.startsWith("before.") ? base.substring(7) : base.startsWith("after.")
                    ? base.substring(6) : base;
            Map<String, String> names = r.m.labels().get(logical);
            return names == null || value == null ? value : names.getOrDefault(value, value);
        }
        if (match.vars().containsKey(name)) {
            return match.vars().get(name);
        }
        switch (name) {
            case "table":
                return r.m.table();
            case "action":
                return spec.action();
            default:
                break;
        }
        Map<String, Object> row = r.current();
        String logical = name;
        if (name.startsWith("before.")) {
            row = r.before;
            logical = name.substring(7);
        } else if (name.startsWith("after.")) {
            row = r.after;
            logical = name.substring(6);
        }
        String col = r.m.column(logical);
        if (r.m.isSecret(col)) {
            return REDACTED;
        }
        return shown(r.m, col, Values.text(row.get(col)));
    }

    /** A value as events may carry it: cut to the mapping's {@code truncate} length for its column, at most 8,000. */
    private static String shown(TableMapping m, String col, String text) {
        int max = text == null ? -1 : m.maxChars(col);
        if (max < 0 || text.length() <= max) {
            return text;
        }
        if (max > 0 && Character.isHighSurrogate(text.charAt(max - 1))) {
            max--; // never half a character
        }
        return text.substring(0, max) + "… (" + (text.length() - max) + " more characters not forwarded)";
    }

    private void update(Row r) {
        String role = r.m.role();
        if (role.equals("users")) {
            String oldId = Values.text(r.before.get(r.m.key()));
            if (oldId != null && (r.c.op() == Op.DELETE || !oldId.equals(r.key))) {
                directory.removeUser(oldId);
            }
            if (r.c.op() != Op.DELETE && r.key != null) {
                directory.putUser(new User(r.key, r.value("name"),
                        r.m.columns().containsKey("email") ? r.value("email") : null, r.classesAfter));
            }
        } else if (role.equals("userclasses")) {
            String oldId = Values.text(r.before.get(r.m.key()));
            if (oldId != null && (r.c.op() == Op.DELETE || !oldId.equals(r.key))) {
                directory.removeClass(oldId);
            }
            if (r.c.op() != Op.DELETE && r.key != null) {
                directory.putClass(new AutomateDirectory.UserClass(r.key, r.value("name"),
                        Values.bits(r.after.get(r.m.column("permissions")))));
            }
        }
    }

    /**
     * An insertion-ordered map of {@code key, value, key, value, …}. Events must encode byte for byte the same
     * on every run, and {@code Map.of} iterates in an order salted per JVM.
     */
    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
