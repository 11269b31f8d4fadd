package dev.rmmaudit.forwarder.verify;

import dev.rmmaudit.forwarder.chain.Canonical;
import dev.rmmaudit.forwarder.chain.Chain;
import dev.rmmaudit.forwarder.chain.ChainKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;

/**
 * Checks exported events against the chain keys: which are authentic, which were altered, forged or moved, which
 * sequence numbers are missing, where the forwarder restarted, and what was sent twice. The export may be in any
 * order and may begin anywhere; each sink's stream is checked on its own.
 */
public final class Verifier {
    private final Map<String, ChainKey> keys = new LinkedHashMap<>();
    private final Map<String, Mac> macs = new HashMap<>();

    public Verifier(List<ChainKey> keys) {
        keys.forEach(k -> this.keys.put(k.id(), k));
    }

    /** One event from the export, with what its seal says. */
    private static final class Entry {
        long line;
        Map<String, List<String>> flat;
        String key;
        String stream;
        long run;
        long sequence;
        String previous;
        String hash;
        String eventId;
        boolean authentic;
    }

    /** Checks the events in {@code exportText} (see {@link ExportReader} for the shapes it reads). */
    public Report verify(String exportText) {
        Report report = new Report();
        Map<String, List<Entry>> streams = new TreeMap<>();
        ExportReader.read(exportText, doc -> {
            Entry e = entry(doc, report);
            if (e != null) {
                streams.computeIfAbsent(e.key + " " + e.stream, k -> new ArrayList<>()).add(e);
            }
        }, u -> report.unreadable.add(new Report.Item(u.line(), null, null, null, u.why())));
        streams.values().forEach(entries -> checkStream(entries, report));
        return report;
    }

    private Entry entry(ExportReader.Doc doc, Report report) {
        Map<String, List<String>> flat = Canonical.flatten(doc.ecs());
        Entry e = new Entry();
        e.line = doc.line();
        e.flat = flat;
        e.eventId = first(flat, "event.id");
        e.key = first(flat, "rmm_audit.chain.key");
        e.stream = first(flat, "rmm_audit.chain.stream");
        e.previous = first(flat, "rmm_audit.chain.previous");
        e.hash = first(flat, "event.hash");
        Long run = number(first(flat, "rmm_audit.chain.run"));
        Long sequence = number(first(flat, "event.sequence"));
        if (e.key == null || e.stream == null || e.previous == null || e.hash == null || run == null
                || sequence == null) {
            report.unsealed.add(new Report.Item(e.line, null, null, e.eventId, "no chain seal (event.sequence, "
                    + "event.hash, rmm_audit.chain.*)"));
            return null;
        }
        e.run = run;
        e.sequence = sequence;
        Mac mac = macFor(e.key);
        if (mac == null) {
            report.otherKeys.merge(e.key, 1L, Long::sum);
            return null;
        }
        e.authentic = linkMatches(mac, e.previous, flat, e.hash);
        return e;
    }

    private Mac macFor(String keyId) {
        ChainKey k = keys.get(keyId);
        return k == null ? null : macs.computeIfAbsent(keyId, id -> k.newMac());
    }

    private static boolean linkMatches(Mac mac, String previous, Map<String, List<String>> flat, String hash) {
        String link = Canonical.link(mac, previous, flat);
        return MessageDigest.isEqual(link.getBytes(StandardCharsets.US_ASCII), hash.toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
    }

    private void checkStream(List<Entry> entries, Report report) {
        Entry any = entries.get(0);
        Mac mac = macFor(any.key);
        Report.Stream s = new Report.Stream(any.key, any.stream);
        report.streams.add(s);

        // authentic events, one per link; copies are harmless duplicates
        Map<String, Entry> byHash = new LinkedHashMap<>();
        List<Entry> suspect = new ArrayList<>();
        for (Entry e : entries) {
            if (!e.authentic) {
                suspect.add(e);
            } else if (byHash.putIfAbsent(e.hash, e) != null) {
                report.duplicates++;
            }
        }
        Map<String, Entry> followers = new HashMap<>(); // by the link each authentic event follows
        Set<String> vouched = followers.keySet();
        Set<String> followedInRun = new HashSet<>(); // run + previous link of every authentic event
        Map<Long, TreeSet<Long>> present = new TreeMap<>();
        for (Entry e : byHash.values()) {
            followers.put(e.previous, e);
            followedInRun.add(e.run + " " + e.previous);
            present.computeIfAbsent(e.run, r -> new TreeSet<>()).add(e.sequence);
        }

        for (Entry n : suspect) {
            Entry p = byHash.get(n.previous);
            long[] moved = movedFrom(mac, n, p, followers.get(n.hash));
            if (moved != null) {
                report.reordered.add(new Report.Item(n.line, n.stream, n.sequence, n.eventId,
                        "sealed as sequence " + moved[1] + " of run " + moved[0] + ", now claims " + n.sequence));
                present.computeIfAbsent(moved[0], r -> new TreeSet<>()).add(moved[1]);
            } else if (vouched.contains(n.hash) || (p != null && p.sequence == n.sequence - 1
                    && !followedInRun.contains(n.run + " " + n.previous))) {
                report.altered.add(new Report.Item(n.line, n.stream, n.sequence, n.eventId,
                        "its content does not match its link (changed after it was sealed)"));
                present.computeIfAbsent(n.run, r -> new TreeSet<>()).add(n.sequence);
            } else {
                report.forged.add(new Report.Item(n.line, n.stream, n.sequence, n.eventId,
                        "no link made with the key (" + (p == null ? "follows no event in the export"
                                : "its place is already taken by the authentic sequence " + (p.sequence + 1)) + ")"));
            }
        }

        // runs: where each starts, what a later start says it committed, what is missing
        Map<Long, Entry> starts = new HashMap<>();
        Map<String, Long> seen = new HashMap<>();
        for (Entry e : byHash.values()) {
            if (Chain.STARTED.equals(first(e.flat, "event.action"))) {
                starts.put(e.run, e);
            }
            if (e.eventId != null && seen.merge(e.eventId, 1L, Long::sum) > 1) {
                report.resent++;
            }
        }
        List<Long> runs = new ArrayList<>(present.keySet());
        Map<Long, Long> committed = new HashMap<>();
        for (long r : runs) {
            Entry start = starts.get(r);
            Long after = start == null ? null : number(first(start.flat, "forwarder.chain.resumed_after"));
            if (after == null) {
                continue;
            }
            Long into = null;
            for (long q : runs) {
                if (q < r && startOf(q, present, starts) <= after) {
                    into = q;
                }
            }
            if (into != null) {
                committed.merge(into, after, Math::max);
            }
            Entry head = byHash.values().stream().filter(e -> e.sequence == after && e.hash.equals(start.previous))
                    .findFirst().orElse(null);
            if (after > 0 && head == null && byHash.values().stream().anyMatch(e -> e.sequence == after)) {
                report.broken.add(new Report.Item(start.line, s.stream, start.sequence, start.eventId, "run " + r
                        + " resumes after sequence " + after + ", but not from the link the export has there"));
            }
        }
        long firstRun = runs.isEmpty() ? 0 : runs.get(0);
        for (long r : runs) {
            TreeSet<Long> seqs = present.get(r);
            long from = startOf(r, present, starts);
            long last = seqs.last();
            long upTo = committed.getOrDefault(r, last);
            Report.Run run = new Report.Run(r, from, last, starts.containsKey(r));
            s.runs.add(run);
            s.events += seqs.size();
            if (!starts.containsKey(r) && r != firstRun) {
                report.missing.add(new Report.Gap(s.stream, r, null, from - 1, "the start of run " + r
                        + " (its forwarder-started event) and whatever came before sequence " + from));
            }
            gaps(seqs, from, Math.min(upTo, last), s.stream, r, report.missing, null);
            if (upTo > last) {
                report.missing.add(new Report.Gap(s.stream, r, last + 1, upTo, "delivered before run " + r
                        + " ended (a later start resumed after " + upTo + ")"));
            }
            if (upTo < last) {
                run.supersededAfter = upTo;
                run.superseded = seqs.tailSet(upTo, false).size();
                gaps(seqs, upTo + 1, last, s.stream, r, report.undelivered, "sealed after the committed head "
                        + upTo + " and not in the export; the sources read those changes again after the restart");
            }
        }
    }

    /**
     * Where {@code n} was sealed, {run, sequence}, when its content checks there though it claims another place
     * (it was moved): the place after its authentic predecessor {@code p}, or before its authentic follower
     * {@code f} (either may be null).
     */
    private static long[] movedFrom(Mac mac, Entry n, Entry p, Entry f) {
        List<long[]> places = new ArrayList<>(2);
        if (p != null) {
            places.add(new long[] {p.run, p.sequence + 1});
        }
        if (f != null) {
            places.add(new long[] {f.run, f.sequence - 1});
        }
        for (long[] at : places) {
            if (at[1] == n.sequence && at[0] == n.run) {
                continue;
            }
            Map<String, List<String>> there = new LinkedHashMap<>(n.flat);
            there.put("event.sequence", List.of(Long.toString(at[1])));
            there.put("rmm_audit.chain.run", List.of(Long.toString(at[0])));
            if (linkMatches(mac, n.previous, there, n.hash)) {
                return at;
            }
        }
        return null;
    }

    private static long startOf(long run, Map<Long, TreeSet<Long>> present, Map<Long, Entry> starts) {
        Entry start = starts.get(run);
        return start != null ? start.sequence : present.get(run).first();
    }

    private static void gaps(TreeSet<Long> seqs, long from, long to, String stream, long run, List<Report.Gap> out,
            String why) {
        long expect = from;
        for (long n : seqs.subSet(from, true, to, true)) {
            if (n > expect) {
                out.add(new Report.Gap(stream, run, expect, n - 1, why));
            }
            expect = n + 1;
        }
        if (expect <= to) {
            out.add(new Report.Gap(stream, run, expect, to, why));
        }
    }

    private static String first(Map<String, List<String>> flat, String field) {
        List<String> v = flat.get(field);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
