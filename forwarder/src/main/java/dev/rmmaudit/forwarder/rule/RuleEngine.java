package dev.rmmaudit.forwarder.rule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates rules on events, in order. Plain rules alert per matching event; correlations keep per-group
 * windows. Windows run on event time, not on the wall clock, so a replay after a restart and a test both
 * behave the same without sleeping; the {@link Clock} stands in for events that carry no time.
 *
 * <p>Memory is bounded: each correlation keeps at most {@code maxGroups} groups (the least recently active
 * is dropped first), each group at most {@link #MAX_ENTRIES} entries, and groups idle for longer than the
 * timespan are swept. A correlation alerts at most once per group within its timespan (de-duplication).
 * Not thread-safe: one pipeline thread calls it.
 */
public final class RuleEngine {
    static final int MAX_ENTRIES = 1000;
    static final int MAX_EVENT_IDS = 50;

    private final List<Rule> rules;
    private final List<Rule> plain = new ArrayList<>();
    // Keyed by identity: a rule is a record, and hashing one hashes every selection and pattern in it.
    private final Map<Rule, List<Rule>> dependents = new java.util.IdentityHashMap<>();
    private final Set<Rule> silenced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final Map<Rule, Map<List<String>, Group>> state = new java.util.IdentityHashMap<>();
    private final Clock clock;
    private final int maxGroups;
    private Instant watermark = Instant.EPOCH;
    private long evaluated;

    public RuleEngine(List<Rule> rules, Clock clock, int maxGroups) {
        this.rules = List.copyOf(rules);
        this.clock = clock;
        this.maxGroups = maxGroups;
        for (Rule r : rules) {
            if (!r.isCorrelation()) {
                plain.add(r);
                continue;
            }
            for (String ref : r.correlation().rules()) {
                Rule target = RuleLoader.find(rules, ref);
                if (target != null) {
                    dependents.computeIfAbsent(target, k -> new ArrayList<>()).add(r);
                    // Sigma's generate: false keeps referenced plain rules quiet; a referenced correlation is an
                    // alert in its own right and keeps alerting (a burst stays visible when a later rule uses it).
                    if (!r.correlation().generate() && !target.isCorrelation()) {
                        silenced.add(target);
                    }
                }
            }
            state.put(r, new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<List<String>, Group> eldest) {
                    return size() > maxGroups;
                }
            });
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The alerts this event causes, in the order they fired. */
    public List<Alert> evaluate(EventView e) {
        Instant time = e.time();
        Instant t = time != null ? time : clock.instant();
        if (t.isAfter(watermark)) {
            watermark = t;
        }
        List<Alert> out = new ArrayList<>();
        List<String> ids = e.id() == null ? List.of() : List.of(e.id());
        for (Rule r : plain) {
            if (r.matches(e)) {
                signal(r, e, t, ids, 1, Map.of(), out);
            }
        }
        if (++evaluated % 1024 == 0) {
            sweep();
        }
        return out;
    }

    /** Groups held in memory by all correlations (for tests and metrics). */
    public int groupCount() {
        return state.values().stream().mapToInt(Map::size).sum();
    }

    private void signal(Rule r, EventView e, Instant t, List<String> ids, long count, Map<String, String> group,
            List<Alert> out) {
        if (!silenced.contains(r)) {
            out.add(new Alert(r, t, group, ids, count, e));
        }
        for (Rule c : dependents.getOrDefault(r, List.of())) {
            feed(c, r, e, t, ids, out);
        }
    }

    private void feed(Rule c, Rule from, EventView e, Instant t, List<String> ids, List<Alert> out) {
        Correlation corr = c.correlation();
        List<String> key = new ArrayList<>(corr.groupBy().size());
        Map<String, String> group = new LinkedHashMap<>();
        for (String f : corr.groupBy()) {
            String v = e.first(f);
            if (v == null || v.isEmpty()) {
                return; // an event without the group-by field cannot be attributed to a group
            }
            key.add(v.toLowerCase(java.util.Locale.ROOT));
            group.put(f, v);
        }
        Map<List<String>, Group> groups = state.get(c);
        Group g = groups.computeIfAbsent(key, k -> new Group());
        g.lastSeen = t;
        Instant from0 = t.minus(corr.timespan());
        long count;
        switch (corr.type()) {
            case EVENT_COUNT -> {
                g.evictBefore(from0);
                g.add(t, ids, null);
                count = g.entries.size();
            }
            case VALUE_COUNT -> {
                g.evictBefore(from0);
                for (String v : e.values(corr.field())) {
                    g.add(t, ids, v.toLowerCase(java.util.Locale.ROOT));
                }
                count = g.distinctValues();
            }
            default -> {
                int step = stepOf(c, from);
                if (!g.advance(step, corr.rules().size(), t, corr.timespan(), ids)) {
                    return;
                }
                count = corr.rules().size();
            }
        }
        boolean fires = corr.type() == Correlation.Type.TEMPORAL_ORDERED || corr.op().test(count, corr.threshold());
        if (!fires || (g.suppressedUntil != null && t.isBefore(g.suppressedUntil))) {
            return;
        }
        g.suppressedUntil = t.plus(corr.timespan());
        List<String> triggering = g.ids();
        if (corr.type() == Correlation.Type.TEMPORAL_ORDERED) {
            g.resetChain();
        }
        signal(c, e, t, triggering, count, group, out);
    }

    private static int stepOf(Rule c, Rule from) {
        List<String> refs = c.correlation().rules();
        for (int i = 0; i < refs.size(); i++) {
            if (refs.get(i).equals(from.id()) || refs.get(i).equals(from.name())) {
                return i;
            }
        }
        return -1;
    }

    private void sweep() {
        for (Map.Entry<Rule, Map<List<String>, Group>> s : state.entrySet()) {
            Duration span = s.getKey().correlation().timespan();
            Instant horizon = watermark.minus(span);
            s.getValue().values().removeIf(g -> g.lastSeen.isBefore(horizon)
                    && (g.suppressedUntil == null || g.suppressedUntil.isBefore(watermark)));
        }
    }

    /** One group's window. */
    private static final class Group {
        final Deque<Entry> entries = new ArrayDeque<>();
        Instant lastSeen;
        Instant suppressedUntil;
        Instant[] chain;
        List<List<String>> chainIds;

        record Entry(Instant time, List<String> ids, String value) {
        }

        void add(Instant t, List<String> ids, String value) {
            entries.addLast(new Entry(t, ids, value));
            while (entries.size() > MAX_ENTRIES) {
                entries.removeFirst();
            }
        }

        void evictBefore(Instant from) {
            while (!entries.isEmpty() && entries.peekFirst().time().isBefore(from)) {
                entries.removeFirst();
            }
        }

        long distinctValues() {
            Set<String> values = new HashSet<>();
            for (Entry e : entries) {
                values.add(e.value());
            }
            return values.size();
        }

        List<String> ids() {
            List<String> out = new ArrayList<>();
            if (chainIds != null) {
                chainIds.forEach(out::addAll);
            } else {
                for (Entry e : entries) {
                    out.addAll(e.ids());
                }
            }
            return out.size() <= MAX_EVENT_IDS ? out : out.subList(out.size() - MAX_EVENT_IDS, out.size());
        }

        /** Moves an ordered chain on; true when its last step completed within the timespan of its first. */
        boolean advance(int step, int steps, Instant t, Duration span, List<String> ids) {
            if (chain == null) {
                chain = new Instant[steps];
                chainIds = new ArrayList<>();
                for (int i = 0; i < steps; i++) {
                    chainIds.add(List.of());
                }
            }
            if (step == 0) {
                resetChain();
                chain[0] = t;
                chainIds.set(0, ids);
                return steps == 1;
            }
            if (step < 0 || chain[step - 1] == null || t.isBefore(chain[step - 1])
                    || t.isAfter(chain[0].plus(span))) {
                return false;
            }
            chain[step] = t;
            chainIds.set(step, ids);
            return step == steps - 1;
        }

        void resetChain() {
            if (chain != null) {
                java.util.Arrays.fill(chain, null);
                for (int i = 0; i < chainIds.size(); i++) {
                    chainIds.set(i, List.of());
                }
            }
        }
    }
}
