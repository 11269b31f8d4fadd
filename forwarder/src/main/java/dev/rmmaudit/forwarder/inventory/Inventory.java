package dev.rmmaudit.forwarder.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.ForwarderConfig;
import dev.rmmaudit.forwarder.config.InventoryConfig;
import dev.rmmaudit.forwarder.mapping.AutomateDirectory;
import dev.rmmaudit.forwarder.mapping.Mappings;
import dev.rmmaudit.forwarder.mapping.TableMapping;
import dev.rmmaudit.forwarder.source.ChangeHandler;
import dev.rmmaudit.forwarder.source.RowChange;
import dev.rmmaudit.forwarder.source.StateFiles;
import dev.rmmaudit.forwarder.source.automate.DirectoryLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hardening guides ask admins to review by hand: one row per Automate user (classes, effective
 * SuperAdmin, AuditLevel, web access and HTTP tunnel) and one summary, and one row per ScreenConnect user
 * (administrator, MFA) and one summary. Rows of the pseudo-tables {@value #USER} and {@value #SUMMARY} go through
 * the pipeline like any change, so their events are mappings ({@code mappings/<module>/inventory_*.yml}) and their
 * findings rules. Sent at the first start, then every {@link InventoryConfig#interval()}, and at once on
 * {@code run --inventory-now}; the time of the last one is kept in {@code stateDir/inventory.json}.
 */
public final class Inventory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Inventory.class);
    public static final String USER = "inventory_user";
    public static final String SUMMARY = "inventory_summary";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ForwarderConfig config;
    private final Mappings mappings;
    private final ChangeHandler automate;
    private final ChangeHandler screenConnect;
    private final Supplier<Map<String, Map<String, Object>>> screenConnectUsers;
    private final Clock clock;
    private final Path stateFile;
    private Thread thread;
    private volatile boolean closed;

    public Inventory(ForwarderConfig config, Mappings mappings, ChangeHandler automate, ChangeHandler screenConnect,
            Supplier<Map<String, Map<String, Object>>> screenConnectUsers, Clock clock) {
        this.config = config;
        this.mappings = mappings;
        this.automate = automate;
        this.screenConnect = screenConnect;
        this.screenConnectUsers = screenConnectUsers;
        this.clock = clock;
        this.stateFile = config.stateDir().resolve("inventory.json");
    }

    /** Runs at once when {@code now}, when none ran yet or the last is an interval old, then every interval. */
    public void start(boolean now) {
        InventoryConfig c = config.inventory();
        if (!c.enabled() && !now) {
            return;
        }
        thread = new Thread(() -> {
            try {
                Instant last = now ? null : lastRun();
                Duration wait = last == null ? Duration.ZERO : Duration.between(clock.instant(), last.plus(c.interval()));
                while (!closed) {
                    if (!wait.isNegative() && !wait.isZero()) {
                        Thread.sleep(wait.toMillis());
                    }
                    try {
                        runOnce();
                    } catch (IOException | java.sql.SQLException | RuntimeException e) {
                        LOG.warn("inventory: {}; trying again in an hour", e.getMessage());
                        wait = Duration.ofHours(1);
                        continue;
                    }
                    if (!c.enabled()) {
                        return;
                    }
                    wait = c.interval();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "inventory");
        thread.setDaemon(true);
        thread.start();
    }

    /** One inventory now: reads, delivers, and records the time. */
    public void runOnce() throws IOException, java.sql.SQLException, InterruptedException {
        Instant at = clock.instant();
        String run = "inventory:" + at.toEpochMilli();
        int users = 0;
        if (config.source() != null) {
            List<RowChange> rows = automateRows(at, run);
            deliver(automate, rows);
            users += rows.size() - 1;
        }
        if (config.screenConnect() != null && screenConnectUsers.get() != null) {
            List<RowChange> rows = screenConnectRows(screenConnectUsers.get(), at, run);
            deliver(screenConnect, rows);
            users += rows.size() - 1;
        }
        saveLastRun(at);
        LOG.info("inventory sent: {} users", users);
    }

    private static void deliver(ChangeHandler h, List<RowChange> rows) throws IOException, InterruptedException {
        try {
            h.handle(rows).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("inventory not delivered: " + e.getCause(), e.getCause());
        }
    }

    List<RowChange> automateRows(Instant at, String run) throws java.sql.SQLException {
        TableMapping users = mappings.withRole("automate", "users").orElseThrow(() -> new IllegalStateException(
                "no mapping with role users for automate"));
        AutomateDirectory d = new AutomateDirectory();
        mappings.withRole("automate", "userclasses").ifPresent(m -> d.superAdminMask(m.superAdminMask()));
        List<Map<String, Object>> rows;
        try (DirectoryLoader loader = new DirectoryLoader(config.source())) {
            loader.load(mappings, d);
            rows = loader.rows(users.table(), List.of(users.column("id"), users.column("name"),
                    users.column("classes"), users.column("auditLevel"), users.column("flags")));
        }
        String server = config.source().host() + ":" + config.source().port();
        List<RowChange> out = new ArrayList<>();
        List<String> superAdmins = new ArrayList<>();
        List<String> lowAudit = new ArrayList<>();
        List<String> unapproved = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String id = text(r.get(users.column("id")));
            String name = text(r.get(users.column("name")));
            AutomateDirectory.User u = d.user(id);
            List<String> classes = u == null ? List.of() : u.classIds();
            boolean superAdmin = d.isSuperAdmin(classes);
            Object audit = r.get(users.column("auditLevel"));
            long flags = r.get(users.column("flags")) instanceof Number n ? n.longValue() : 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("UserID", id);
            row.put("Name", name);
            row.put("Classes", String.join(",", d.classNames(classes)));
            row.put("SuperAdmin", Boolean.toString(superAdmin));
            row.put("AuditLevel", text(audit));
            row.put("WebAccess", Boolean.toString((flags & 1) != 0));
            row.put("HttpTunnel", Boolean.toString((flags & 2) != 0));
            String approved = approved(superAdmin, name, config.inventory().approvedSuperAdmins());
            row.put("SuperAdminApproved", approved);
            if (superAdmin) {
                superAdmins.add(name);
            }
            if ("false".equals(approved)) {
                unapproved.add(name);
            }
            if (audit instanceof Number n && n.intValue() < 5) {
                lowAudit.add(name);
            }
            out.add(new RowChange(RowChange.Op.CREATE, server, config.source().database(), USER, Map.of(), row, at,
                    run + ":" + id));
        }
        out.add(summary(server, config.source().database(), at, run, rows.size(), superAdmins, unapproved,
                lowAudit, "BelowAuditLevel5"));
        return out;
    }

    List<RowChange> screenConnectRows(Map<String, Map<String, Object>> users, Instant at, String run) {
        String server = "screenconnect:inventory";
        List<RowChange> out = new ArrayList<>();
        List<String> admins = new ArrayList<>();
        List<String> noMfa = new ArrayList<>();
        List<String> unapproved = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : users.entrySet()) {
            Map<String, Object> u = e.getValue();
            boolean admin = "true".equals(u.get("IsAdministrator"));
            boolean mfa = "true".equals(u.get("HasPasswordQuestion"));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Name", e.getKey());
            row.put("Roles", text(u.get("Roles")));
            row.put("Administrator", Boolean.toString(admin));
            row.put("Mfa", Boolean.toString(mfa));
            row.put("LastLogin", text(u.get("LastLoginDate")));
            String approved = approved(admin, e.getKey(), config.inventory().approvedScreenConnectAdmins());
            row.put("AdministratorApproved", approved);
            if (admin) {
                admins.add(e.getKey());
                if (!mfa) {
                    noMfa.add(e.getKey());
                }
            }
            if ("false".equals(approved)) {
                unapproved.add(e.getKey());
            }
            out.add(new RowChange(RowChange.Op.CREATE, server, "User.xml", USER, Map.of(), row, at, run + ":"
                    + e.getKey()));
        }
        out.add(summary(server, "User.xml", at, run, users.size(), admins, unapproved, noMfa,
                "AdministratorsWithoutMfa"));
        return out;
    }

    private static RowChange summary(String server, String db, Instant at, String run, int users, List<String> admins,
            List<String> unapproved, List<String> findings, String findingsName) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Run", run);
        s.put("Users", Integer.toString(users));
        s.put("Administrators", Integer.toString(admins.size()));
        s.put("AdministratorNames", String.join(",", admins));
        s.put("Unapproved", String.join(",", unapproved));
        s.put(findingsName, Integer.toString(findings.size()));
        s.put(findingsName + "Names", String.join(",", findings));
        return new RowChange(RowChange.Op.CREATE, server, db, SUMMARY, Map.of(), s, at, run + ":summary");
    }

    /** "true"/"false" against a configured list; "" when no list is configured (nothing to judge). */
    private static String approved(boolean privileged, String name, java.util.Set<String> approved) {
        if (!privileged || approved.isEmpty()) {
            return "";
        }
        return Boolean.toString(approved.contains(name));
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }

    private Instant lastRun() {
        try {
            return Files.exists(stateFile) ? Instant.parse(JSON.readTree(stateFile.toFile()).path("lastRun").asText())
                    : null;
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private void saveLastRun(Instant at) throws IOException {
        Files.createDirectories(stateFile.getParent());
        StateFiles.writeJson(stateFile, Map.of("lastRun", at.toString()));
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
