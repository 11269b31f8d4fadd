package dev.rmmaudit.forwarder.source.screenconnect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rmmaudit.forwarder.Threads;
import dev.rmmaudit.forwarder.config.ScreenConnectSourceConfig;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an on-premises ScreenConnect server's own files and hands what changed to the pipeline: new rows of the
 * mapped tables of {@code Security.db} (login attempts) and {@code Session.db} (session events, connections), rows
 * that disappear from them while still young (evidence removal), and what changed in {@code User.xml},
 * {@code Role.xml} and {@code web.config}.
 *
 * <p>Positions (per table the rowid and key of the last row read; per file its last good rows, secrets as keyed
 * digests) are stored under the state directory only after the pipeline has delivered what came before them, so a
 * restart neither loses nor repeats rows (a crash in between repeats at most one batch, with the same event ids).
 */
public final class ScreenConnectSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenConnectSource.class);
    public static final String MODULE = "screenconnect";
    static final String USER_FILE_TABLE = "User.xml";
    static final String ROLE_FILE_TABLE = "Role.xml";
    static final String WEB_CONFIG_TABLE = "web.config";
    /** The pseudo-table of a user store rewritten as by CVE-2024-1709: one row per such rewrite. */
    static final String USER_STORE_TABLE = "UserStore";
    /** Secret whatever a user's mapping says: password hashes and the one-time-password key. */
    static final Set<String> ALWAYS_SECRET = Set.of("PasswordHashHistory", "PasswordQuestion", "PasswordAnswer",
            "PasswordHash", "PasswordSalt", "Password");
    /** Columns the source adds to database rows (besides what it joins in). */
    static final Set<String> ADDED = Set.of(SourceTable.ROWID, "SessionName", "GuestMachineName", "UserRoles",
            "UserIsAdministrator", "TimeUtc", "ParticipantName", "ParticipantAddress", "ProcessType", "AgeSeconds");
    private static final int BATCH = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScreenConnectSourceConfig config;
    private final List<TableMapping> dbMappings;
    private final Map<String, TableMapping> fileMappings = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final String server;
    private final Path stateFile;
    private final Clock clock;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private final Map<String, Long> positions = java.util.Collections.synchronizedSortedMap(new TreeMap<>());
    private final Map<String, String> anchors = new TreeMap<>();
    private final Map<String, RecentRows> recent = new HashMap<>();
    private final Set<String> renumbered = new java.util.HashSet<>();
    private boolean warnedNoRoles;
    private final List<SqliteFile> databases = new ArrayList<>();
    private List<SourceTable> tables = List.of();
    private WatchedFile users;
    private WatchedFile roles;
    private WatchedFile webConfig;
    private SecretDigest digest;
    private Retention retention = Retention.DEFAULT;
    private Thread thread;
    private volatile boolean closed;

    public ScreenConnectSource(ScreenConnectSourceConfig config, List<TableMapping> mappings) {
        this(config, mappings, Clock.systemUTC());
    }

    ScreenConnectSource(ScreenConnectSourceConfig config, List<TableMapping> mappings, Clock clock) {
        this.config = config;
        this.clock = clock;
        Set<String> fileTables = Set.of(USER_FILE_TABLE, ROLE_FILE_TABLE, WEB_CONFIG_TABLE, USER_STORE_TABLE);
        List<TableMapping> db = new ArrayList<>();
        for (TableMapping m : mappings) {
            if (m.madeByForwarder()) {
                continue; // the inventory's rows come from elsewhere
            }
            if (fileTables.stream().anyMatch(m.table()::equalsIgnoreCase)) {
                fileMappings.put(m.table(), m);
            } else {
                db.add(m);
            }
        }
        this.dbMappings = List.copyOf(db);
        this.server = "screenconnect:" + StateFiles.hostName();
        this.stateFile = config.stateDir().resolve("screenconnect-state.json");
    }

    /** Opens the databases and files, loads the stored positions, and starts polling on a thread of its own. */
    public void start(ChangeHandler handler) throws IOException {
        try {
            open();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        thread = new Thread(() -> loop(handler), "screenconnect-poll");
        thread.setDaemon(true);
        thread.start();
        LOG.info("following ScreenConnect in {} every {} (tables {}, files {}), state in {}", config.appData(),
                config.pollInterval().toString().substring(2).toLowerCase(Locale.ROOT),
                tables.stream().map(SourceTable::id).toList(), files().stream().map(f -> f.path.getFileName()
                        .toString()).toList(), config.stateDir());
    }

    /** Opens the databases, finds the tables, loads the stored positions and the files' baselines; no thread yet. */
    void open() throws SQLException, IOException {
        Files.createDirectories(config.stateDir());
        digest = SecretDigest.load(config.stateDir());
        users = watched(USER_FILE_TABLE, config.userFile(), f -> UserFile.read(f, keyOf(USER_FILE_TABLE, "Name")));
        roles = new WatchedFile(ROLE_FILE_TABLE, config.roleFile(), RoleFile::read, Set.of());
        webConfig = fileMappings.containsKey(WEB_CONFIG_TABLE)
                ? new WatchedFile(WEB_CONFIG_TABLE, config.webConfig(), WebConfigFile::read, Set.of()) : null;
        loadState();
        if (!dbMappings.isEmpty()) {
            openDatabases();
            retention = Retention.read(config.serverConfiguration());
            LOG.info("rows deleted at least as old as ScreenConnect keeps them are its routine purge: {}; younger"
                    + " ones within {} are reported", retention, config.deletionWindow().isZero() ? "(off)"
                    : config.deletionWindow().toString().substring(2).toLowerCase(Locale.ROOT));
            for (SourceTable t : tables) {
                recent.put(t.id(), new RecentRows(config.deletionWindow()));
                if (!positions.containsKey(t.id())) {
                    long start = config.startAt().equals("beginning") ? 0 : t.maxRowid();
                    positions.put(t.id(), start);
                    anchors.put(t.id(), t.keyAt(start));
                    LOG.info("{}: first start, reading {} after rowid {} (startAt: {})", t.db().file(), t.name(),
                            start, config.startAt());
                }
                remember(t);
            }
        }
        for (WatchedFile f : files()) {
            if (f.rows == null) {
                baseline(f);
            }
        }
        if (users.rows != null) {
            users.rows = withAdministrators(users.rows); // a state file of version 1 has no administrator flags
        }
        saveState(); // also rewrites a state file an older version wrote with secrets in clear
    }

    private WatchedFile watched(String table, Path path, WatchedFile.Reader reader) {
        Set<String> secrets = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        secrets.addAll(ALWAYS_SECRET);
        TableMapping m = fileMappings.get(table);
        if (m != null) {
            secrets.addAll(m.secrets());
        }
        return new WatchedFile(table, path, reader, secrets);
    }

    private String keyOf(String table, String dflt) {
        TableMapping m = fileMappings.get(table);
        return m == null ? dflt : m.key();
    }

    /** The files followed: Role.xml always (it decides who is an administrator), User.xml and web.config if mapped. */
    private List<WatchedFile> files() {
        List<WatchedFile> out = new ArrayList<>();
        if (roles != null) {
            out.add(roles);
        }
        if (users != null && fileMappings.containsKey(USER_FILE_TABLE)) {
            out.add(users);
        }
        if (webConfig != null) {
            out.add(webConfig);
        }
        return out;
    }

    private void openDatabases() throws SQLException {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(config.securityDb(), config.sessionDb())) {
            if (Files.exists(p)) {
                databases.add(new SqliteFile(p));
            } else {
                missing.add(p.toString());
            }
        }
        if (databases.isEmpty()) {
            throw new SQLException("cannot read " + String.join(" or ", missing) + ": neither exists (check"
                    + " source.appData: the ScreenConnect App_Data folder holds Security.db and Session.db)");
        }
        missing.forEach(p -> LOG.warn("{} does not exist; its tables are looked for in the other database", p));
        Map<SqliteFile, Map<String, String>> tablesOf = new LinkedHashMap<>();
        for (SqliteFile db : databases) {
            tablesOf.put(db, db.tables());
        }
        logLayout(tablesOf);
        List<SourceTable> found = new ArrayList<>();
        for (TableMapping m : dbMappings) {
            SourceTable t = null;
            for (Map.Entry<SqliteFile, Map<String, String>> e : tablesOf.entrySet()) {
                String name = e.getValue().get(m.table());
                if (name != null) {
                    t = SourceTable.of(m, e.getKey(), name, e.getValue());
                    break;
                }
            }
            if (t == null) {
                if (m.optionalTable()) {
                    LOG.info("no table {} in {} (mapping {}): not in this layout", m.table(), databaseNames(), m.source());
                } else {
                    LOG.warn("no table {} in {} (mapping {}); its events will not be forwarded", m.table(),
                            databaseNames(), m.source());
                }
                continue;
            }
            report(t);
            found.add(t);
        }
        if (found.isEmpty()) {
            List<String> related = new ArrayList<>();
            tablesOf.forEach((db, names) -> names.keySet().stream().filter(n -> n.toLowerCase(Locale.ROOT)
                    .matches(".*(security|login|audit|event|session).*")).forEach(n -> related.add(db.name() + ":" + n)));
            throw new SQLException(databaseNames() + " " + (databases.size() == 1 ? "has" : "have")
                    + " none of the mapped tables " + dbMappings.stream().map(TableMapping::table).toList()
                    + "; tables that look related: " + (related.isEmpty() ? "none" : related) + ". Is this"
                    + " ScreenConnect's App_Data? If your version names them differently, correct 'table:' in a copy of"
                    + " mappings/screenconnect/*.yml under your mappings directory.");
        }
        tables = List.copyOf(found);
    }

    private String databaseNames() {
        return databases.stream().map(d -> d.file().toString()).toList().toString();
    }

    /** Names Session.db's layout in the log: 25.x (connections as SessionEvent rows) or the older one. */
    private static void logLayout(Map<SqliteFile, Map<String, String>> tablesOf) throws SQLException {
        for (Map.Entry<SqliteFile, Map<String, String>> e : tablesOf.entrySet()) {
            Map<String, String> names = e.getValue();
            if (!names.containsKey("SessionEvent")) {
                continue;
            }
            Set<String> columns = e.getKey().columns(names.get("SessionEvent"));
            if (names.containsKey("SessionConnectionEvent")) {
                LOG.info("{}: the older layout: connections in SessionConnectionEvent{}", e.getKey().file(),
                        SourceTable.has(columns, "EventAttributes") ? ", hidden events flagged by EventAttributes" : "");
            } else if (SourceTable.has(columns, "ConnectionID")) {
                LOG.info("{}: the 25.x layout: connections are SessionEvent rows (10 Connected, 11 Disconnected) with"
                        + " a ConnectionID; no SessionConnectionEvent, no EventAttributes (hiding an event deletes"
                        + " its row)", e.getKey().file());
            } else {
                LOG.warn("{}: an unknown layout (SessionEvent without ConnectionID, no SessionConnectionEvent);"
                        + " connections will not be forwarded", e.getKey().file());
            }
        }
        for (Map.Entry<SqliteFile, Map<String, String>> e : tablesOf.entrySet()) {
            if (e.getValue().containsKey("SecurityEvent")) {
                LOG.info("{}: login, logout and password events from its SecurityEvent table", e.getKey().file());
            }
        }
    }

    private static void report(SourceTable t) {
        TableMapping m = t.mapping();
        List<String> missing = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (String c : m.mappedColumns()) {
            if (ADDED.stream().noneMatch(c::equalsIgnoreCase) && !SourceTable.has(t.columns(), c)) {
                (m.isOptional(c) ? optional : missing).add(c);
            }
        }
        LOG.info("{}: reading table {} (columns {}){}{}", t.db().file(), t.name(), t.columns(), t.joined(),
                t.key() == null ? "; no " + m.key() + " column, rows are told apart by rowid" : "");
        if (!optional.isEmpty()) {
            LOG.info("{}: table {} has no column {} (optional in {}: not in this layout)", t.db().file(), t.name(),
                    optional, m.source());
        }
        if (!missing.isEmpty()) {
            LOG.warn("{}: table {} has no column {} named in {}; events that need it will not fire", t.db().file(),
                    t.name(), missing, m.source());
        }
    }

    /** Completes when the source stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /** Rows and file changes handed to the pipeline so far. */
    public long rows() {
        return rows.get();
    }

    /** The users of the last good User.xml (secrets as digests), for the inventory; null before the first. */
    public Map<String, Map<String, Object>> users() {
        return users == null ? null : users.rows;
    }

    /** The rowid read last per table (for the heartbeat); the files' changes are read whole each round. */
    public Map<String, String> status() {
        Map<String, String> s = new LinkedHashMap<>();
        StringBuilder p = new StringBuilder();
        synchronized (positions) {
            positions.forEach((t, rowid) -> p.append(p.length() == 0 ? "" : ",").append(t).append('=').append(rowid));
        }
        s.put("position", p.toString());
        s.put("rows", Long.toString(rows.get()));
        return s;
    }

    /** Rows removed by ScreenConnect's routine purge (not reported as evidence removal). */
    public long purged() {
        return purged.get();
    }

    /** Versions of the XML files that could not be read (each reported once). */
    public long malformedUserFiles() {
        return files().stream().mapToLong(f -> f.malformed).sum();
    }

    /** Runs one round now (tests, and the loop): every table's new rows and deletions, then the files. */
    void pollOnce(ChangeHandler handler) throws SQLException, IOException, InterruptedException {
        for (SqliteFile db : databases) {
            db.refresh();
        }
        for (SourceTable t : tables) {
            realign(t);
            readNewRows(handler, t);
            checkDeletions(handler, t);
        }
        pollFiles(handler);
    }

    /**
     * Makes sure the position still points after the last row read: when the row there is no longer the one read
     * (a VACUUM renumbered the rows, or the newest row was deleted and its rowid given to a new one), the
     * position moves back to the newest row still known, and rows already delivered are skipped by key.
     */
    private void realign(SourceTable t) throws SQLException {
        String anchor = anchors.get(t.id());
        long pos = positions.get(t.id());
        if (t.key() == null || anchor == null || anchor.equals(t.keyAt(pos))) {
            return;
        }
        long moved = t.rowidOf(anchor);
        long to = moved >= 0 ? moved : Math.max(0, Math.min(pos, t.maxRowid()) - BATCH);
        if (moved >= 0) {
            LOG.warn("{}: the rows of {} were renumbered (the last one read moved from rowid {} to {}); reading on"
                    + " from there", t.db().file(), t.name(), pos, moved);
            renumbered.add(t.id()); // the next deletion check compares the whole table by key
        } else {
            LOG.info("{}: the last row of {} read is gone; reading again from rowid {} (rows already sent are"
                    + " recognised by {})", t.db().file(), t.name(), to, t.key());
        }
        positions.put(t.id(), to);
        anchors.put(t.id(), t.keyAt(to));
    }

    private void readNewRows(ChangeHandler handler, SourceTable t) throws SQLException, IOException,
            InterruptedException {
        RecentRows seen = recent.get(t.id());
        while (!closed) {
            long after = positions.get(t.id());
            List<Map<String, Object>> found = t.rowsAfter(after, BATCH);
            if (found.isEmpty()) {
                break;
            }
            List<RowChange> changes = new ArrayList<>(found.size());
            List<RecentRows.Row> read = new ArrayList<>(found.size());
            for (Map<String, Object> row : found) {
                String key = keyOf(t, row);
                if (seen.containsKey(key)) {
                    continue; // delivered before the rowids moved
                }
                RowChange c = change(t, row, key);
                changes.add(c);
                read.add(new RecentRows.Row(rowid(row), key, c.time(), summary(t, row)));
            }
            changes.sort(Comparator.comparing(RowChange::time)); // insertion order is nearly time order; make it so
            if (!changes.isEmpty()) {
                deliver(handler, changes);
                rows.addAndGet(changes.size());
            }
            read.forEach(seen::add);
            Map<String, Object> last = found.get(found.size() - 1);
            positions.put(t.id(), rowid(last));
            anchors.put(t.id(), keyOf(t, last));
            saveState();
            if (found.size() < BATCH) {
                break;
            }
        }
        seen.prune(clock.instant());
    }

    /** Remembers the rows already read within the deletion window (at start: rows up to the position). */
    private void remember(SourceTable t) throws SQLException {
        RecentRows seen = recent.get(t.id());
        long pos = positions.get(t.id());
        List<Map<String, Object>> rowsBefore = t.db().query(t.select() + " WHERE t.rowid <= ? ORDER BY t.rowid DESC"
                + " LIMIT ?", pos, config.deletionWindow().isZero() ? RecentRows.MIN_ROWS : RecentRows.MAX_ROWS);
        for (int i = rowsBefore.size() - 1; i >= 0; i--) {
            Map<String, Object> row = rowsBefore.get(i);
            seen.add(new RecentRows.Row(rowid(row), keyOf(t, row), time(t, row), summary(t, row)));
        }
        seen.prune(clock.instant());
    }

    /**
     * Rows remembered that are no longer in the table: the routine purge when they are as old as ScreenConnect
     * keeps such rows (counted, not reported), evidence removal otherwise (a {@code deleted} change, with what the
     * row said). Rows whose rowid moved are re-filed under the new one.
     */
    private void checkDeletions(ChangeHandler handler, SourceTable t) throws SQLException, IOException,
            InterruptedException {
        RecentRows seen = recent.get(t.id());
        boolean moved = renumbered.remove(t.id());
        if (seen.isEmpty() || (!moved && config.deletionWindow().isZero())) {
            return;
        }
        long from = seen.firstRowid();
        long to = Math.max(seen.lastRowid(), positions.get(t.id()));
        if (!moved && t.countBetween(from, to) == seen.size() && anchorHolds(t)) {
            return; // nothing deleted: the rows remembered are the rows in their range, and the newest is in place
        }
        Map<String, Long> present = new HashMap<>();
        long lowest = moved ? 0 : from;
        for (Map<String, Object> r : t.keysBetween(lowest, Long.MAX_VALUE)) {
            present.put(String.valueOf(r.get("k")), rowid(r));
        }
        List<RecentRows.Row> gone = seen.reconcile(present);
        if (gone.isEmpty() || config.deletionWindow().isZero()) {
            return;
        }
        Instant now = clock.instant();
        List<RowChange> changes = new ArrayList<>();
        int purge = 0;
        for (RecentRows.Row r : gone) {
            if (retention.purged(t.name(), r.time(), now)) {
                purge++;
                continue;
            }
            Map<String, Object> before = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            before.putAll(r.summary());
            before.put("AgeSeconds", r.time() == null ? null : Long.toString(java.time.Duration.between(r.time(), now)
                    .toSeconds()));
            changes.add(new RowChange(RowChange.Op.DELETE, server, t.db().name(), t.name(), before, Map.of(), now,
                    t.id() + ":" + r.key() + ":deleted"));
        }
        if (purge > 0) {
            purged.addAndGet(purge);
            LOG.info("{}: {} rows of {} older than {} days removed by ScreenConnect's maintenance (not reported)",
                    t.db().file(), purge, t.name(), retention.of(t.name()).toDays());
        }
        if (!changes.isEmpty()) {
            LOG.warn("{}: {} rows of {} deleted while younger than ScreenConnect keeps them; reported as deleted",
                    t.db().file(), changes.size(), t.name());
            deliver(handler, changes);
            rows.addAndGet(changes.size());
        }
    }

    private boolean anchorHolds(SourceTable t) throws SQLException {
        String anchor = anchors.get(t.id());
        return anchor == null || anchor.equals(t.keyAt(positions.get(t.id())));
    }

    private static long rowid(Map<String, Object> row) {
        return ((Number) row.get(SourceTable.ROWID)).longValue();
    }

    private static String keyOf(SourceTable t, Map<String, Object> row) {
        return String.valueOf(row.get(t.key() != null ? t.key() : SourceTable.ROWID));
    }

    private static Instant time(SourceTable t, Map<String, Object> row) {
        return SqliteValues.time(row.get(t.mapping().column("time")));
    }

    /** What a row said, kept to describe it should it disappear: its key, time and mapped values (short). */
    private static Map<String, Object> summary(SourceTable t, Map<String, Object> row) {
        Map<String, Object> s = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String c : t.mapping().mappedColumns()) {
            Object v = row.get(c);
            if (v == null) {
                for (Map.Entry<String, Object> e : row.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(c)) {
                        v = e.getValue();
                    }
                }
            }
            if (v != null && !t.mapping().isSecret(c)) {
                String text = v.toString();
                s.put(c, text.length() > 200 ? text.substring(0, 200) + "…" : v);
            }
        }
        Instant time = time(t, row);
        if (time != null) {
            s.put("TimeUtc", time.toString());
        }
        return s;
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

    private RowChange change(SourceTable t, Map<String, Object> row, String key) {
        TableMapping m = t.mapping();
        Instant time = SqliteValues.time(row.get(m.column("time")));
        if (time != null) {
            row.put("TimeUtc", time.toString());
        }
        if (users != null && users.rows != null) {
            // Roles of the user a login row names, from the last good User.xml (for "admin logged in" rules).
            Object name = row.get(m.column("user"));
            Map<String, Object> u = name == null ? null : users.rows.get(name.toString());
            if (u != null) {
                row.put("UserRoles", u.get("Roles"));
                row.put("UserIsAdministrator", u.get("IsAdministrator"));
            }
        }
        return new RowChange(RowChange.Op.CREATE, server, t.db().name(), t.name(), Map.of(), row,
                time != null ? time : clock.instant(), t.id() + ":" + key);
    }

    private void baseline(WatchedFile f) throws IOException {
        Map<String, Map<String, Object>> read = f.readIfChanged(digest);
        if (read != null) {
            f.rows = f == users ? withAdministrators(read) : read;
            LOG.info("{}: {} rows recorded as the starting point", f.path, f.rows.size());
        } else if (!Files.exists(f.path)) {
            LOG.info("{} does not exist (yet); it is compared from when it appears", f.path);
            f.rows = new LinkedHashMap<>();
        }
    }

    /**
     * Role.xml first (a role gaining Administer makes its members administrators), then User.xml (compared with
     * the administrators recomputed whenever either changed), then web.config.
     */
    private void pollFiles(ChangeHandler handler) throws IOException, InterruptedException {
        List<RowChange> changes = new ArrayList<>();
        boolean rolesChanged = false;
        boolean dirty = false;
        Map<String, Map<String, Object>> newRoles = roles.readIfChanged(digest);
        if (newRoles != null) {
            if (roles.rows != null) {
                changes.addAll(mapped(roles, roles.diff(roles.rows, newRoles, server, roles.modified())));
            }
            roles.rows = newRoles;
            rolesChanged = true;
            dirty = true;
        }
        if (fileMappings.containsKey(USER_FILE_TABLE)) {
            Map<String, Map<String, Object>> read = users.readIfChanged(digest);
            if (read != null || (rolesChanged && users.rows != null)) {
                Map<String, Map<String, Object>> now = withAdministrators(read != null ? read : users.rows);
                if (users.rows != null) {
                    Instant at = read != null ? users.modified() : roles.modified();
                    List<RowChange> userChanges = users.diff(users.rows, now, server, at);
                    changes.addAll(userStoreReset(users.rows, now, userChanges, at));
                }
                users.rows = now;
                dirty = true;
            }
        }
        if (webConfig != null) {
            Map<String, Map<String, Object>> read = webConfig.readIfChanged(digest);
            if (read != null) {
                if (webConfig.rows != null) {
                    changes.addAll(webConfig.diff(webConfig.rows, read, server, webConfig.modified()));
                }
                webConfig.rows = read;
                dirty = true;
            }
        }
        if (!changes.isEmpty()) {
            deliver(handler, changes);
            rows.addAndGet(changes.size());
        }
        if (dirty) {
            saveState();
        }
    }

    /** The changes of a file that has a mapping; a file read only for what it decides (Role.xml) gives none. */
    private List<RowChange> mapped(WatchedFile f, List<RowChange> changes) {
        return fileMappings.containsKey(f.table) ? changes : List.of();
    }

    /**
     * User rows with {@code IsAdministrator} and {@code AdministerRoles} from the current Role.xml, and
     * {@code PasswordVersion}: a digest that moves when the password hashes or their change date do.
     */
    private Map<String, Map<String, Object>> withAdministrators(Map<String, Map<String, Object>> userRows) {
        Map<String, String> adminRoles = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        boolean known = roles.rows != null && !(roles.rows.isEmpty() && !Files.exists(roles.path));
        if (known) {
            roles.rows.values().forEach(r -> {
                if ("true".equals(r.get("IsAdministrator"))) {
                    adminRoles.put(r.get("Name").toString(), r.get("Name").toString());
                }
            });
        } else if (!warnedNoRoles) {
            warnedNoRoles = true;
            LOG.warn("{} cannot be read: roles whose name says 'admin' are taken as administrator roles until it"
                    + " can", roles.path);
        }
        return WatchedFile.derived(userRows, row -> {
            Map<String, Object> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            out.putAll(row);
            List<String> via = new ArrayList<>();
            for (String role : String.valueOf(row.getOrDefault("Roles", "")).split(",")) {
                String r = role.trim();
                if (adminRoles.containsKey(r)) {
                    via.add(adminRoles.get(r));
                } else if (!known && r.toLowerCase(Locale.ROOT).contains("admin")) {
                    via.add(r);
                }
            }
            out.put("IsAdministrator", Boolean.toString(!via.isEmpty()));
            out.put("AdministerRoles", String.join(",", via));
            out.put("PasswordVersion", digest.of(row.get("PasswordHashHistory") + "|" + row.get("LastPasswordChangedDate")));
            out.remove("UserStoreReset");
            return out;
        });
    }

    /**
     * The CVE-2024-1709 shape: one rewrite of User.xml that removes every previous user and adds an administrator.
     * Then the per-user changes are marked ({@code UserStoreReset}) and one {@value #USER_STORE_TABLE} row names
     * the new administrators and the removed users.
     */
    private List<RowChange> userStoreReset(Map<String, Map<String, Object>> before, Map<String, Map<String, Object>> after,
            List<RowChange> changes, Instant at) {
        List<String> removed = new ArrayList<>();
        List<String> admins = new ArrayList<>();
        for (RowChange c : changes) {
            if (c.op() == RowChange.Op.DELETE) {
                removed.add(String.valueOf(c.before().get(keyOf(USER_FILE_TABLE, "Name"))));
            } else if (c.op() == RowChange.Op.CREATE && "true".equals(c.after().get("IsAdministrator"))) {
                admins.add(String.valueOf(c.after().get(keyOf(USER_FILE_TABLE, "Name"))));
            }
        }
        boolean reset = !before.isEmpty() && removed.size() == before.size() && !admins.isEmpty();
        if (!reset || !fileMappings.containsKey(USER_STORE_TABLE)) {
            return changes;
        }
        List<RowChange> out = new ArrayList<>();
        for (RowChange c : changes) {
            Map<String, Object> b = marked(c.before());
            Map<String, Object> a = marked(c.after());
            out.add(new RowChange(c.op(), c.server(), c.database(), c.table(), b, a, c.time(), c.position()));
        }
        Map<String, Object> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        row.put("NewAdministrators", String.join(",", admins));
        row.put("RemovedUsers", String.join(",", removed));
        row.put("RemovedCount", Integer.toString(removed.size()));
        row.put("UserCount", Integer.toString(after.size()));
        out.add(new RowChange(RowChange.Op.CREATE, server, users.path.getFileName().toString(), USER_STORE_TABLE,
                Map.of(), row, at, USER_STORE_TABLE + ":" + users.hash.substring(0, 16)));
        LOG.warn("{} was rewritten with every previous user gone ({}) and new administrator {}: the CVE-2024-1709"
                + " user-store reset", users.path, String.join(", ", removed), String.join(", ", admins));
        return out;
    }

    private static Map<String, Object> marked(Map<String, Object> row) {
        if (row.isEmpty()) {
            return row;
        }
        Map<String, Object> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(row);
        m.put("UserStoreReset", "true");
        return m;
    }

    private void loadState() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        JsonNode s = JSON.readTree(stateFile.toFile());
        // version 1 kept Session.db's rowids by table name and the users beside them
        s.path("sessionDb").fields().forEachRemaining(e -> positions.put(config.sessionDb().getFileName() + ":"
                + e.getKey(), e.getValue().asLong()));
        s.path("tables").fields().forEachRemaining(e -> {
            positions.put(e.getKey(), e.getValue().path("rowid").asLong());
            anchors.put(e.getKey(), e.getValue().path("key").asText(null));
        });
        if (s.has("users")) {
            users.rows = readRows(s.get("users"), users);
            users.hash = s.path("usersHash").asText(null);
        }
        for (WatchedFile f : files()) {
            JsonNode n = s.path("files").path(f.table);
            if (n.has("rows")) {
                f.rows = readRows(n.get("rows"), f);
                f.hash = n.path("hash").asText(null);
            }
        }
    }

    /** Rows from the state file; a secret an older version kept in clear is digested now, a plain digest voided. */
    private Map<String, Map<String, Object>> readRows(JsonNode n, WatchedFile f) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            Map<String, Object> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            e.getValue().fields().forEachRemaining(c -> row.put(c.getKey(), c.getValue().isNull() ? null
                    : c.getValue().asText()));
            out.put(e.getKey(), row);
        });
        Map<String, Map<String, Object>> clean = new LinkedHashMap<>();
        out.forEach((k, row) -> {
            Map<String, Object> r = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            row.forEach((c, v) -> r.put(c, v instanceof String t && t.startsWith("sha256:") ? WatchedFile.LEGACY : v));
            clean.put(k, r);
        });
        return f.digested(clean, digest);
    }

    private void saveState() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("version", 2);
        ObjectNode t = s.putObject("tables");
        positions.forEach((id, rowid) -> t.putObject(id).put("rowid", rowid).put("key", anchors.get(id)));
        ObjectNode f = s.putObject("files");
        for (WatchedFile w : files()) {
            if (w.rows != null) {
                ObjectNode n = f.putObject(w.table);
                n.put("hash", w.hash);
                ObjectNode u = n.putObject("rows");
                w.rows.forEach((name, row) -> {
                    ObjectNode r = u.putObject(name);
                    row.forEach((k, v) -> r.put(k, v == null ? null : v.toString()));
                });
            }
        }
        StateFiles.writeJson(stateFile, s);
    }


    @Override
    public void close() {
        closed = true;
        Threads.stop(thread, java.time.Duration.ofSeconds(10));
        databases.forEach(SqliteFile::close);
        completion.complete(null);
    }
}
