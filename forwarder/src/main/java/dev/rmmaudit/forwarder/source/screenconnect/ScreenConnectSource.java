package dev.rmmaudit.forwarder.source.screenconnect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.event.EventIds;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an on-premises ScreenConnect server's own files and hands what changed to the pipeline: new rows of the
 * mapped {@code Session.db} tables (login attempts, session events), and users added, removed or changed in
 * {@code User.xml} (the mapping whose table is {@code User.xml}).
 *
 * <p>Positions (the last rowid per table, and the last good user list) are stored under the state directory only
 * after the pipeline has delivered what came before them, so a restart neither loses nor repeats rows (a crash
 * in between repeats at most one batch). A {@code User.xml} that cannot be read is reported and skipped: the
 * last good list stays the reference, so the next good file is compared with it.
 */
public final class ScreenConnectSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenConnectSource.class);
    public static final String MODULE = "screenconnect";
    static final String USER_FILE_TABLE = "User.xml";
    private static final int BATCH = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScreenConnectSourceConfig config;
    private final List<TableMapping> dbMappings;
    private final TableMapping userMapping;
    private final String server;
    private final Path stateFile;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong malformedUserFiles = new AtomicLong();
    private final Map<String, Long> positions = new TreeMap<>();
    private Map<String, Map<String, Object>> users;
    private String usersHash;
    private String lastBadHash;
    private SessionDatabase db;
    private List<SessionDatabase.Table> tables = List.of();
    private Thread thread;
    private volatile boolean closed;

    public ScreenConnectSource(ScreenConnectSourceConfig config, List<TableMapping> mappings) {
        this.config = config;
        this.dbMappings = mappings.stream().filter(m -> !m.table().equalsIgnoreCase(USER_FILE_TABLE)).toList();
        this.userMapping = mappings.stream().filter(m -> m.table().equalsIgnoreCase(USER_FILE_TABLE)).findFirst()
                .orElse(null);
        this.server = "screenconnect:" + hostName();
        this.stateFile = config.stateDir().resolve("screenconnect-state.json");
    }

    /**
     * Opens Session.db, checks its tables (failing when none of the mapped ones exists), loads the stored
     * positions, and starts polling on a thread of its own.
     */
    public void start(ChangeHandler handler) throws IOException {
        try {
            open();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        thread = new Thread(() -> loop(handler), "screenconnect-poll");
        thread.setDaemon(true);
        thread.start();
        LOG.info("following ScreenConnect in {} every {} (tables {}, user file {}), state in {}", config.appData(),
                config.pollInterval().toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                tables.stream().map(SessionDatabase.Table::name).toList(),
                userMapping == null ? "not mapped" : config.userFile(), config.stateDir());
    }

    /** Opens Session.db, checks its tables, loads the stored positions and the user baseline; no thread yet. */
    void open() throws SQLException, IOException {
        Files.createDirectories(config.stateDir());
        loadState();
        if (!dbMappings.isEmpty()) {
            db = new SessionDatabase(config.sessionDb());
            tables = db.detect(dbMappings);
            for (SessionDatabase.Table t : tables) {
                if (!positions.containsKey(t.name())) {
                    long start = config.startAt().equals("beginning") ? 0 : db.maxRowid(t);
                    positions.put(t.name(), start);
                    LOG.info("{}: first start, reading {} after rowid {} (startAt: {})", config.sessionDb(),
                            t.name(), start, config.startAt());
                }
            }
        }
        if (userMapping != null && users == null) {
            baselineUsers();
        }
        saveState();
    }

    /** Completes when the source stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /** Rows and user changes handed to the pipeline so far. */
    public long rows() {
        return rows.get();
    }

    /** User.xml versions that could not be read (each reported once). */
    public long malformedUserFiles() {
        return malformedUserFiles.get();
    }

    /** Runs one round now (tests, and the loop): new rows of every table, then the user file. */
    void pollOnce(ChangeHandler handler) throws SQLException, IOException, InterruptedException {
        for (SessionDatabase.Table t : tables) {
            while (!closed) {
                long after = positions.get(t.name());
                List<Map<String, Object>> found = db.rowsAfter(t, after, BATCH);
                if (found.isEmpty()) {
                    break;
                }
                List<RowChange> changes = new ArrayList<>(found.size());
                for (Map<String, Object> row : found) {
                    changes.add(change(t, row));
                }
                deliver(handler, changes);
                positions.put(t.name(), ((Number) found.get(found.size() - 1).get(SessionDatabase.ROWID)).longValue());
                saveState();
                if (found.size() < BATCH) {
                    break;
                }
            }
        }
        if (userMapping != null) {
            pollUsers(handler);
        }
    }

    private void loop(ChangeHandler handler) {
        long backoff = config.pollInterval().toMillis();
        while (!closed) {
            try {
                pollOnce(handler);
                backoff = config.pollInterval().toMillis();
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                backoff = Math.min(backoff * 2, 60_000);
                LOG.warn("ScreenConnect {}: {}; trying again in {} ms", config.appData(), e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        completion.complete(null);
    }

    private static void deliver(ChangeHandler handler, List<RowChange> changes) throws InterruptedException,
            IOException {
        try {
            handler.handle(changes).get();
        } catch (ExecutionException e) {
            throw new IOException("delivery failed: " + e.getCause(), e.getCause());
        }
    }

    private RowChange change(SessionDatabase.Table t, Map<String, Object> row) {
        TableMapping m = t.mapping();
        Instant time = SessionDatabase.time(row.get(m.column("time")));
        if (time != null) {
            row.put("TimeUtc", time.toString());
        }
        if (users != null && userMapping != null) {
            // Roles of the user a login row names, from the last good User.xml (for "admin logged in" rules).
            Object name = row.get(m.column("user"));
            Map<String, Object> u = name == null ? null : users.get(name.toString());
            if (u != null) {
                row.put("UserRoles", u.get(userMapping.column("roles")));
            }
        }
        rows.incrementAndGet();
        return new RowChange(RowChange.Op.CREATE, server, "Session.db", t.name(), Map.of(), row,
                time != null ? time : Instant.now(), "Session.db:" + t.name() + ":" + row.get(SessionDatabase.ROWID));
    }

    private void baselineUsers() {
        try {
            users = secretsHashed(UserFile.read(config.userFile(), userMapping.key()));
            usersHash = hash(config.userFile());
            LOG.info("{}: {} users recorded as the starting point", config.userFile(), users.size());
        } catch (NoSuchFileException e) {
            LOG.warn("{} does not exist (yet); users are compared from when it appears", config.userFile());
            users = new LinkedHashMap<>();
        } catch (IOException | UserFile.MalformedException e) {
            LOG.error("{} cannot be read ({}); users are compared from the first good version", config.userFile(),
                    e.getMessage());
            malformedUserFiles.incrementAndGet();
            users = null;
        }
    }

    private void pollUsers(ChangeHandler handler) throws IOException, InterruptedException {
        String h;
        try {
            h = hash(config.userFile());
        } catch (NoSuchFileException e) {
            return;
        }
        if (h.equals(usersHash) || h.equals(lastBadHash)) {
            return;
        }
        Map<String, Map<String, Object>> now;
        try {
            now = secretsHashed(UserFile.read(config.userFile(), userMapping.key()));
        } catch (UserFile.MalformedException e) {
            lastBadHash = h;
            malformedUserFiles.incrementAndGet();
            LOG.error("{} cannot be read: {}; keeping the last good user list ({} users) as the reference",
                    config.userFile(), e.getMessage(), users == null ? 0 : users.size());
            return;
        }
        if (users == null) {
            users = now;
            usersHash = h;
            saveState();
            return;
        }
        List<RowChange> changes = new ArrayList<>();
        Instant at = Files.getLastModifiedTime(config.userFile()).toInstant();
        String position = USER_FILE_TABLE + ":" + h.substring(0, 16);
        for (Map.Entry<String, Map<String, Object>> e : users.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                changes.add(new RowChange(RowChange.Op.DELETE, server, config.userFile().getFileName().toString(),
                        USER_FILE_TABLE, e.getValue(), Map.of(), at, position));
            }
        }
        for (Map.Entry<String, Map<String, Object>> e : now.entrySet()) {
            Map<String, Object> before = users.get(e.getKey());
            if (before == null) {
                changes.add(new RowChange(RowChange.Op.CREATE, server, config.userFile().getFileName().toString(),
                        USER_FILE_TABLE, Map.of(), e.getValue(), at, position));
            } else if (!before.equals(e.getValue())) {
                changes.add(new RowChange(RowChange.Op.UPDATE, server, config.userFile().getFileName().toString(),
                        USER_FILE_TABLE, before, e.getValue(), at, position));
            }
        }
        if (!changes.isEmpty()) {
            rows.addAndGet(changes.size());
            deliver(handler, changes);
        }
        users = now;
        usersHash = h;
        lastBadHash = null;
        saveState();
    }

    /** Secret columns (password hashes, one-time-password keys) replaced by a digest: changes still show. */
    private Map<String, Map<String, Object>> secretsHashed(Map<String, Map<String, Object>> in) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        in.forEach((name, row) -> {
            Map<String, Object> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            row.forEach((k, v) -> copy.put(k, userMapping.isSecret(k) && v != null
                    ? "sha256:" + EventIds.of("screenconnect-secret", v.toString()) : v));
            out.put(name, copy);
        });
        return out;
    }

    private static String hash(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loadState() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        JsonNode s = JSON.readTree(stateFile.toFile());
        s.path("sessionDb").fields().forEachRemaining(e -> positions.put(e.getKey(), e.getValue().asLong()));
        if (s.has("users")) {
            users = new LinkedHashMap<>();
            s.get("users").fields().forEachRemaining(e -> {
                Map<String, Object> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                e.getValue().fields().forEachRemaining(c -> row.put(c.getKey(), c.getValue().isNull() ? null
                        : c.getValue().asText()));
                users.put(e.getKey(), row);
            });
            usersHash = s.path("usersHash").asText(null);
        }
    }

    private void saveState() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode p = s.putObject("sessionDb");
        positions.forEach(p::put);
        if (users != null) {
            s.put("usersHash", usersHash);
            ObjectNode u = s.putObject("users");
            users.forEach((name, row) -> {
                ObjectNode r = u.putObject(name);
                row.forEach((k, v) -> r.put(k, v == null ? null : v.toString()));
            });
        }
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), s);
        Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        closed = true;
        Threads.stop(thread, java.time.Duration.ofSeconds(10));
        if (db != null) {
            db.close();
        }
        completion.complete(null);
    }
}
