package dev.rmmaudit.forwarder.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link Verifier} found; {@link #ok()} when nothing is missing, altered, forged, moved or unverifiable. */
public final class Report {
    /** One event (or line) and what is wrong with it. */
    public record Item(long line, String stream, Long sequence, String eventId, String why) {
    }

    /** Sequence numbers {@code from}..{@code to} of a stream's run not in the export ({@code from} null: unknown). */
    public record Gap(String stream, long run, Long from, long to, String why) {
        public long count() {
            return from == null ? 0 : to - from + 1;
        }
    }

    /** One start of the forwarder, as the export shows it. */
    public static final class Run {
        public final long run;
        public final long from;
        public final long to;
        public final boolean startSeen;
        /** The committed head a later start resumed after, when that is before {@link #to}; else null. */
        public Long supersededAfter;
        /** Events after that head (sent before the restart; their changes were read again). */
        public long superseded;

        Run(long run, long from, long to, boolean startSeen) {
            this.run = run;
            this.from = from;
            this.to = to;
            this.startSeen = startSeen;
        }
    }

    /** One sink's stream under one key. */
    public static final class Stream {
        public final String key;
        public final String stream;
        public final List<Run> runs = new ArrayList<>();
        /** Distinct authentic (or altered in place) events. */
        public long events;

        Stream(String key, String stream) {
            this.key = key;
            this.stream = stream;
        }
    }

    public final List<Stream> streams = new ArrayList<>();
    public final List<Gap> missing = new ArrayList<>();
    /** Gaps after a committed head: sent (or not) before a restart, their changes read again; not failures. */
    public final List<Gap> undelivered = new ArrayList<>();
    public final List<Item> altered = new ArrayList<>();
    public final List<Item> forged = new ArrayList<>();
    public final List<Item> reordered = new ArrayList<>();
    /** A restart that does not resume from the link the export holds at its committed head. */
    public final List<Item> broken = new ArrayList<>();
    public final List<Item> unsealed = new ArrayList<>();
    public final List<Item> unreadable = new ArrayList<>();
    /** Events sealed under keys not given, by key id. */
    public final Map<String, Long> otherKeys = new LinkedHashMap<>();
    /** Exact copies of events already in the export (at-least-once delivery: harmless). */
    public long duplicates;
    /** Events whose id an earlier authentic event already had: the same change sealed again after a restart. */
    public long resent;

    public boolean ok() {
        return missing.isEmpty() && altered.isEmpty() && forged.isEmpty() && reordered.isEmpty() && broken.isEmpty()
                && unsealed.isEmpty() && unreadable.isEmpty() && otherKeys.isEmpty() && !streams.isEmpty();
    }
}
