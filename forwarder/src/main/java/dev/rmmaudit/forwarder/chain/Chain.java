package dev.rmmaudit.forwarder.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.encode.EcsJsonEncoder;
import dev.rmmaudit.forwarder.encode.Version;
import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.event.HealthAlerts;
import dev.rmmaudit.forwarder.event.SecurityEvent;
import dev.rmmaudit.forwarder.source.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's stream of sealed events. Each event gets the next sequence number and a link: HMAC-SHA-256 under the
 * install's key over the previous link and the event's {@link Canonical canonical form}. The sink's worker seals
 * events as it takes them, in the order it will deliver them, and reports which it has delivered (or written to
 * its disk buffer); the last link before which all are delivered is the committed head, written to
 * {@code stateDir/chain/<sink>.json} before the sources commit their positions past those events.
 *
 * <p>Each start is a new run: its first event ({@code forwarder-started}) links to the committed head, so a
 * restart shows as such. Events sealed after the head by a run that was killed are superseded: the sources read
 * their changes again, and the new run seals them anew.
 */
public final class Chain {
    private static final Logger LOG = LoggerFactory.getLogger(Chain.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String STARTED = "forwarder-started";

    private final ChainKey key;
    private final String stream;
    private final Path stateFile;
    private final long run;
    private final long resumedAfter;
    private final Mac mac;
    private final EcsJsonEncoder ecs = new EcsJsonEncoder();

    private long sequence;
    private String last;
    /** Everything up to here is delivered; written to the state file. */
    private long committed;
    private String committedHash;
    /** Ranges delivered out of order, by their first sequence number. */
    private final TreeMap<Long, Range> delivered = new TreeMap<>();

    private Chain(ChainKey key, String stream, Path stateFile, long run, long sequence, String last) {
        this.key = key;
        this.stream = stream;
        this.stateFile = stateFile;
        this.run = run;
        this.resumedAfter = sequence;
        this.sequence = sequence;
        this.last = last;
        this.committed = sequence;
        this.committedHash = last;
        this.mac = key.newMac();
    }

    /** The stream of sink {@code stream}: resumes after its committed head, as the next run. */
    public static Chain open(ChainKey key, String stream, Path stateDir) throws IOException {
        Path file = stateDir.resolve("chain").resolve(fileName(stream) + ".json");
        long run = 1;
        long sequence = 0;
        String hash = Canonical.GENESIS;
        if (Files.exists(file)) {
            try {
                JsonNode s = JSON.readTree(file.toFile());
                run = s.path("run").asLong() + 1;
                sequence = s.path("sequence").asLong();
                hash = s.path("hash").asText();
                if (!hash.matches("[0-9a-f]{64}") || sequence < 0 || run < 2) {
                    throw new IOException("unexpected values");
                }
            } catch (IOException e) {
                throw new IOException(file + " is not a chain state (" + e.getMessage() + "); move it away to start "
                        + "the stream of sink " + stream + " anew (verify then shows where it restarted)", e);
            }
        }
        Files.createDirectories(file.getParent());
        Chain c = new Chain(key, stream, file, run, sequence, hash);
        c.save(); // the run's number is taken even if it dies before delivering anything
        return c;
    }

    /** The state file's name for a sink: its name where that is plain, else also a digest of it. */
    private static String fileName(String stream) {
        String plain = stream.replaceAll("[^A-Za-z0-9_.-]", "_");
        return plain.equals(stream) ? plain : plain + "-" + EventIds.of("stream", stream).substring(0, 8);
    }

    public String stream() {
        return stream;
    }

    public long run() {
        return run;
    }

    /** The event a run starts with: which run, and after which sequence number its stream resumes. */
    public SecurityEvent started(String host, Instant now) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("chain.run", Long.toString(run));
        a.put("chain.resumed_after", Long.toString(resumedAfter));
        a.put("host", host);
        a.put("version", Version.current());
        SecurityEvent.Builder b = SecurityEvent.builder()
                .id(EventIds.of("chain-start", key.id(), stream, Long.toString(run)))
                .time(now)
                .module(HealthAlerts.MODULE)
                .dataset(HealthAlerts.MODULE + ".chain")
                .action(STARTED)
                .name("Forwarder started")
                .category("process")
                .types(List.of("start"))
                .outcome(SecurityEvent.Outcome.SUCCESS)
                .severity(1)
                .message("rmm-audit forwarder " + Version.current() + " on " + host + " started (run " + run
                        + "); sink " + stream + "'s chain " + (resumedAfter == 0 ? "begins"
                                : "resumes after event " + resumedAfter));
        a.forEach(b::attribute);
        return b.build();
    }

    /** Where the chain stands: what a rollback returns to. */
    public record Mark(long sequence, String hash) {
    }

    public synchronized Mark mark() {
        return new Mark(sequence, last);
    }

    /** Forgets what was sealed since {@code m}: those events were not kept (their numbers are used again). */
    public synchronized void rollback(Mark m) {
        sequence = m.sequence();
        last = m.hash();
    }

    /** {@code e} sealed as the stream's next event. */
    public synchronized SecurityEvent seal(SecurityEvent e) {
        long n = sequence + 1;
        SecurityEvent unsealed = e.withSeal(new SecurityEvent.Seal(key.id(), stream, run, n, last, null));
        String link = Canonical.link(mac, last, ecs.flat(unsealed));
        sequence = n;
        last = link;
        return e.withSeal(new SecurityEvent.Seal(key.id(), stream, run, n, unsealed.seal().previous(), link));
    }

    /** {@code events} sealed in order. */
    public synchronized List<SecurityEvent> seal(List<SecurityEvent> events) {
        List<SecurityEvent> out = new ArrayList<>(events.size());
        for (SecurityEvent e : events) {
            out.add(seal(e));
        }
        return out;
    }

    /** The last sequence number sealed. */
    public synchronized long head() {
        return sequence;
    }

    /** Consecutive sealed events: the first's and last's sequence numbers and the last's link. */
    public record Range(long first, long last, String lastHash) {
        /** The range of {@code sealed} (in the order sealed), or null when they are none or not sealed. */
        public static Range of(List<SecurityEvent> sealed) {
            if (sealed.isEmpty() || sealed.get(0).seal() == null) {
                return null;
            }
            SecurityEvent.Seal b = sealed.get(sealed.size() - 1).seal();
            return new Range(sealed.get(0).seal().sequence(), b.sequence(), b.hash());
        }
    }

    /**
     * The sealed events of {@code r} are delivered or safe on disk: once all before them are too, the committed
     * head moves past them and is written down.
     */
    public synchronized void kept(Range r) {
        if (r.last() <= committed) {
            return;
        }
        delivered.put(r.first(), r);
        long before = committed;
        Map.Entry<Long, Range> next;
        while ((next = delivered.firstEntry()) != null && next.getKey() <= committed + 1) {
            delivered.pollFirstEntry();
            if (next.getValue().last() > committed) {
                committed = next.getValue().last();
                committedHash = next.getValue().lastHash();
            }
        }
        if (committed != before) {
            save();
        }
    }

    private void save() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("stream", stream);
        s.put("run", run);
        s.put("sequence", committed);
        s.put("hash", committedHash);
        try {
            StateFiles.writeJson(stateFile, s);
        } catch (IOException e) {
            // the sources write their positions to the same directory and fail too; a restart resumes from the
            // last head written, and verify shows the events sealed after it as superseded by the restart
            LOG.error("sink {}: cannot write the chain head to {}: {}", stream, stateFile, e.getMessage());
        }
    }
}
