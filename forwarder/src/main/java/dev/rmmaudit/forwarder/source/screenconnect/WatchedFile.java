package dev.rmmaudit.forwarder.source.screenconnect;

import dev.rmmaudit.forwarder.source.RowChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of ScreenConnect's XML files ({@code User.xml}, {@code Role.xml}, {@code web.config}) followed as a table:
 * read again when its bytes change, compared row by row with the last good version, each difference a change.
 * Secret values are kept only as {@link SecretDigest keyed digests}. A version that cannot be read is reported
 * once and skipped: the last good rows stay the reference.
 */
final class WatchedFile {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    interface Reader {
        Map<String, Map<String, Object>> read(Path file) throws IOException, SecureXml.MalformedException;
    }

    final String table;
    final Path path;
    private final Reader reader;
    private final Set<String> secrets;
    /** The last good rows (secrets digested, derived columns added), or null before the first good version. */
    volatile Map<String, Map<String, Object>> rows;
    String hash;
    private String lastBadHash;
    long malformed;

    WatchedFile(String table, Path path, Reader reader, Set<String> secrets) {
        this.table = table;
        this.path = path;
        this.reader = reader;
        this.secrets = secrets;
    }

    /**
     * The file's rows when its bytes differ from the last version read, secrets digested; null when it is
     * unchanged, missing, or cannot be read (reported).
     */
    Map<String, Map<String, Object>> readIfChanged(SecretDigest digest) throws IOException {
        String h;
        try {
            h = hash(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (h.equals(hash) || h.equals(lastBadHash)) {
            return null;
        }
        try {
            Map<String, Map<String, Object>> read = digested(reader.read(path), digest);
            hash = h;
            lastBadHash = null;
            return read;
        } catch (SecureXml.MalformedException | NoSuchFileException e) {
            lastBadHash = h;
            malformed++;
            LOG.error("{} cannot be read: {}; keeping the last good version ({} rows) as the reference", path,
                    e.getMessage(), rows == null ? 0 : rows.size());
            return null;
        }
    }

    /** The secrets of {@code in} digested, and beside each secret column {@code HasX}: whether it holds a value. */
    Map<String, Map<String, Object>> digested(Map<String, Map<String, Object>> in, SecretDigest digest) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        in.forEach((key, row) -> {
            Map<String, Object> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            row.forEach((k, v) -> {
                if (secrets.contains(k) && LEGACY.equals(v)) {
                    copy.put(k, v);
                    copy.put("Has" + k, LEGACY);
                } else if (secrets.contains(k)) {
                    copy.put(k, digest.of(v));
                    copy.put("Has" + k, Boolean.toString(v != null && !v.toString().isEmpty()));
                } else {
                    copy.put(k, v);
                }
            });
            out.put(key, copy);
        });
        return out;
    }

    /** Every row of {@code rows} changed by {@code derive} (derived columns recomputed). */
    static Map<String, Map<String, Object>> derived(Map<String, Map<String, Object>> rows,
            UnaryOperator<Map<String, Object>> derive) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        rows.forEach((k, r) -> out.put(k, derive.apply(r)));
        return out;
    }

    /** The changes from {@code before} to {@code after}: deletions first, then creations and updates. */
    List<RowChange> diff(Map<String, Map<String, Object>> before, Map<String, Map<String, Object>> after,
            String server, Instant at) {
        List<RowChange> changes = new ArrayList<>();
        String position = table + ":" + (hash == null ? "none" : hash.substring(0, 16));
        String database = path.getFileName().toString();
        before.forEach((k, row) -> {
            if (!after.containsKey(k)) {
                changes.add(new RowChange(RowChange.Op.DELETE, server, database, table, row, Map.of(), at, position));
            }
        });
        after.forEach((k, row) -> {
            Map<String, Object> old = before.get(k);
            if (old == null) {
                changes.add(new RowChange(RowChange.Op.CREATE, server, database, table, Map.of(), row, at, position));
            } else if (!sameIgnoringLegacyDigests(old, row)) {
                changes.add(new RowChange(RowChange.Op.UPDATE, server, database, table, old, row, at, position));
            }
        });
        return changes;
    }

    /**
     * Whether two versions of a row are the same, a secret stored by an older version as a plain SHA-256
     * ({@value #LEGACY}) counting as equal to any value: the first comparison after an upgrade reports no change
     * it cannot know of.
     */
    private static boolean sameIgnoringLegacyDigests(Map<String, Object> a, Map<String, Object> b) {
        if (a.equals(b)) {
            return true;
        }
        if (!a.containsValue(LEGACY)) {
            return false;
        }
        Map<String, Object> x = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        x.putAll(a);
        Map<String, Object> y = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        y.putAll(b);
        a.forEach((k, v) -> {
            if (LEGACY.equals(v)) {
                x.remove(k);
                y.remove(k);
            }
        });
        return x.equals(y);
    }

    /** What a secret kept by an older version as a plain digest becomes: unknown, not comparable. */
    static final String LEGACY = "legacy-digest";

    Instant modified() throws IOException {
        return Files.getLastModifiedTime(path).toInstant();
    }

    static String hash(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
