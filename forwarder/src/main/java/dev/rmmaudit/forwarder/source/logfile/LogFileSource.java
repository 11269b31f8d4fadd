package dev.rmmaudit.forwarder.source.logfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.config.LogFileSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.StateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the files a log source's globs match as they grow, each parsed line a row of the format's table
 * (module {@value #MODULE}). A file is known by its identity (inode, or path and creation time where there is
 * none), so a renamed file is read to its end under its new name and a new file of the same name from its start;
 * a file that shrank was truncated and is read again from the start. Positions are saved per file under
 * {@code stateDir/logfile-<name>.json} only after the pipeline delivered the lines before them. A line that does
 * not parse is counted and dead-lettered (its first 500 characters), never stops the stream.
 */
public final class LogFileSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogFileSource.class);
    public static final String MODULE = "logfile";
    static final int BATCH = 2_000;
    private static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file followed: where it is now, how far it was read, and the W3C columns in force there. */
    static final class Tailed {
        final String id;
        Path path;
        long offset;
        List<String> fields;

        Tailed(String id, Path path, long offset, List<String> fields) {
            this.id = id;
            this.path = path;
            this.offset = offset;
            this.fields = fields;
        }
    }

    private final LogFileSourceConfig config;
    private final TableMapping mapping;
    private final LineParser parser;
    private final java.util.function.BiConsumer<RowChange, Throwable> deadLetters;
    private final Clock clock;
    private final Path stateFile;
    private final String server;
    private final Map<String, Tailed> files = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong unparsed = new AtomicLong();
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private boolean firstStart;
    private Thread thread;
    private volatile boolean closed;

    /** @param deadLetters where a line that does not parse goes, with the reason (the pipeline's dead-letter file) */
    public LogFileSource(LogFileSourceConfig config, TableMapping mapping,
            java.util.function.BiConsumer<RowChange, Throwable> deadLetters, Clock clock) {
        this.config = config;
        this.mapping = mapping;
        this.parser = new LineParser(mapping, ZoneId.systemDefault());
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.stateFile = config.stateDir().resolve("logfile-" + config.name().replaceAll("[^A-Za-z0-9_.-]", "_")
                + ".json");
        this.server = "logfile:" + StateFiles.hostName();
    }

    /** The source's name, as its configuration gives it. */
    public String name() {
        return config.name();
    }

    public CompletableFuture<Void> completion() {
        return completion;
    }

    /** Lines read and handed on so far. */
    public long lines() {
        return lines.get();
    }

    /** For the heartbeat: the files followed and the lines read. */
    public Map<String, String> status() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("files", Integer.toString(files.size()));
        s.put("lines", Long.toString(lines.get()));
        s.put("unparsed", Long.toString(unparsed.get()));
        return s;
    }

    /** Lines that did not parse (dead-lettered). */
    public long unparsed() {
        return unparsed.get();
    }

    /** Loads the positions (or notes the first start) and starts following on a thread of its own. */
    public void start(ChangeHandler handler) throws IOException {
        open();
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    pollOnce(handler);
                    Thread.sleep(config.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    break;
                } catch (IOException | RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    LOG.warn("log source {}: {}; trying again in 5 s", config.name(), e.getMessage());
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException ie) {
                        break;
                    }
                }
            }
            completion.complete(null);
        }, "logfile-" + config.name());
        thread.setDaemon(true);
        thread.start();
        LOG.info("log source {}: following {} as {} every {}, state in {}", config.name(), config.paths(),
                config.format(), config.pollInterval().toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                stateFile);
    }

    void open() throws IOException {
        Files.createDirectories(config.stateDir());
        firstStart = !Files.exists(stateFile);
        if (!firstStart) {
            JsonNode s = JSON.readTree(stateFile.toFile());
            s.path("files").fields().forEachRemaining(e -> {
                JsonNode f = e.getValue();
                List<String> fields = null;
                if (f.has("fields")) {
                    fields = new ArrayList<>();
                    for (JsonNode x : f.get("fields")) {
                        fields.add(x.asText());
                    }
                }
                files.put(e.getKey(), new Tailed(e.getKey(), Path.of(f.path("path").asText()), f.path("offset").asLong(),
                        fields));
            });
        }
    }

    /** One round: every matching file's new lines, delivered in batches. */
    void pollOnce(ChangeHandler handler) throws IOException, InterruptedException {
        Set<String> seen = new HashSet<>();
        for (Path p : matches()) {
            String id;
            long size;
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                id = a.fileKey() != null ? a.fileKey().toString() : p + "@" + a.creationTime().toMillis();
                size = a.size();
            } catch (NoSuchFileException e) {
                continue; // rotated away between the listing and now: found under its new name next round
            }
            seen.add(id);
            Tailed t = files.get(id);
            if (t == null) {
                boolean skipHistory = firstStart && config.startAt().equals("end");
                t = new Tailed(id, p, skipHistory ? size : 0, skipHistory && parser.isW3c() ? lastFields(p, size) : null);
                files.put(id, t);
                LOG.info("log source {}: {} {}", config.name(), p, skipHistory ? "found at the first start; reading"
                        + " what is written from now on (startAt: end)" : "found; reading it from its start");
            } else if (!t.path.equals(p)) {
                LOG.info("log source {}: {} is now {} (rotated); reading it to its end", config.name(), t.path, p);
                t.path = p;
            }
            if (size < t.offset) {
                LOG.info("log source {}: {} shrank from {} to {} bytes (truncated); reading it again from its start",
                        config.name(), p, t.offset, size);
                t.offset = 0;
                t.fields = null;
            }
            while (!closed && size > t.offset && read(handler, t)) {
                size = Files.size(p);
            }
        }
        boolean forgot = files.keySet().retainAll(seen);
        if (firstStart || forgot) {
            firstStart = false;
            saveState();
        }
    }

    /** The files the globs match now, each once, in name order. */
    private Set<Path> matches() throws IOException {
        Set<Path> out = new TreeSet<>();
        for (String glob : config.paths()) {
            int cut = glob.lastIndexOf('/');
            Path dir = Path.of(cut <= 0 ? "/" : glob.substring(0, cut));
            String name = glob.substring(cut + 1);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Reads up to {@value #BATCH} complete lines of {@code t} from its offset, delivers them and only then moves
     * the offset; returns whether it read anything (a line still being written waits for its newline).
     */
    private boolean read(ChangeHandler handler, Tailed t) throws IOException, InterruptedException {
        List<RowChange> batch = new ArrayList<>();
        long offset = t.offset;
        List<String> fields = t.fields;
        try (FileChannel ch = FileChannel.open(t.path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            byte[] pending = new byte[0];
            long pos = offset;
            ch.position(pos);
            outer:
            while (batch.size() < BATCH) {
                buf.clear();
                int n = ch.read(buf);
                if (n <= 0) {
                    break;
                }
                byte[] chunk = new byte[pending.length + n];
                System.arraycopy(pending, 0, chunk, 0, pending.length);
                System.arraycopy(buf.array(), 0, chunk, pending.length, n);
                int start = 0;
                for (int i = 0; i < chunk.length; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    int end = i > start && chunk[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(chunk, start, end - start, StandardCharsets.UTF_8);
                    long lineOffset = offset;
                    offset += i + 1 - start;
                    start = i + 1;
                    if (line.isEmpty()) {
                        continue;
                    }
                    if (parser.isW3c() && line.startsWith("#")) {
                        List<String> f = LineParser.fields(line);
                        fields = f != null ? f : fields;
                        continue;
                    }
                    RowChange c = change(t, line, fields, lineOffset);
                    if (c != null) {
                        batch.add(c);
                    }
                    if (batch.size() >= BATCH) {
                        break outer;
                    }
                }
                pending = java.util.Arrays.copyOfRange(chunk, start, chunk.length);
                if (pending.length > MAX_LINE) {
                    // a line too long to be a log line: dead-lettered in part, skipped to its end
                    deadLetter(t, new String(pending, 0, 500, StandardCharsets.UTF_8), "a line longer than "
                            + MAX_LINE + " bytes");
                    offset += pending.length;
                    pending = new byte[0];
                }
            }
        }
        if (offset == t.offset) {
            return false;
        }
        if (!batch.isEmpty()) {
            try {
                handler.handle(batch).get();
            } catch (ExecutionException e) {
                throw new IOException("delivery failed: " + e.getCause(), e.getCause());
            }
            lines.addAndGet(batch.size());
        }
        t.offset = offset;
        t.fields = fields;
        saveState();
        return true;
    }

    private RowChange change(Tailed t, String line, List<String> fields, long lineOffset) {
        Map<String, Object> row = parser.parse(line, fields);
        if (row == null) {
            deadLetter(t, line, "the line does not parse as " + config.format()
                    + (parser.isW3c() && fields == null ? " (no #Fields: line before it)" : ""));
            return null;
        }
        row.put("File", t.path.toString());
        row.put("Source", config.name());
        Object utc = row.get("TimeUtc");
        Instant time = utc == null ? clock.instant() : Instant.parse(utc.toString());
        return new RowChange(RowChange.Op.CREATE, server, config.name(), mapping.table(), Map.of(), row, time,
                config.name() + ":" + t.id + ":" + lineOffset);
    }

    private void deadLetter(Tailed t, String line, String reason) {
        unparsed.incrementAndGet();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Line", line.length() > 500 ? line.substring(0, 500) + "…" : line);
        row.put("File", t.path.toString());
        if (deadLetters != null) {
            deadLetters.accept(new RowChange(RowChange.Op.CREATE, server, config.name(), mapping.table(), Map.of(), row,
                    clock.instant(), config.name() + ":" + t.id), new IllegalArgumentException(reason));
        }
    }

    /** The {@code #Fields:} in force at {@code size} bytes into a W3C file (its last one before that point). */
    private static List<String> lastFields(Path p, long size) throws IOException {
        List<String> fields = null;
        long read = 0;
        try (var r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null && read < size) {
                read += line.getBytes(StandardCharsets.UTF_8).length + 1;
                List<String> f = LineParser.fields(line);
                fields = f != null ? f : fields;
            }
        }
        return fields;
    }

    private void saveState() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode f = s.putObject("files");
        for (Tailed t : files.values()) {
            ObjectNode n = f.putObject(t.id);
            n.put("path", t.path.toString());
            n.put("offset", t.offset);
            if (t.fields != null) {
                t.fields.forEach(n.putArray("fields")::add);
            }
        }
        StateFiles.writeJson(stateFile, s);
    }


    @Override
    public void close() {
        closed = true;
        Threads.stop(thread, java.time.Duration.ofSeconds(10));
        completion.complete(null);
    }
}
