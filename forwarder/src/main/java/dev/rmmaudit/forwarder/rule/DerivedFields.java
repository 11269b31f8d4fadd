package dev.rmmaudit.forwarder.rule;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rmmaudit.forwarder.config.RulesConfig.WorkingHours;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Facts no single event carries, added to successful logins before rules see them:
 * {@value #OUTSIDE_HOURS} ({@code true} outside the configured working hours, in their time zone) and
 * {@value #NEW_SOURCE} ({@code true} when a user with known source addresses logs in from a new one; a
 * user's first login only teaches). Known addresses are kept per user (bounded) and saved to a file so a
 * restart does not forget them.
 *
 * <p>On changes to ScreenConnect's user file it adds {@value #ADMIN_LOGIN_RECENT}: {@code true} when an
 * administrator (a user whose roles, from the last good User.xml and Role.xml, allow Administer) logged in to ScreenConnect
 * within {@link #ADMIN_LOGIN_WINDOW} before the change. A user file changed with no such login is the
 * CVE-2024-1709 pattern: the setup wizard rewrote it without anyone logging in. (Kept in memory: after a restart
 * the first changes read {@code false} until an administrator logs in.)
 */
public final class DerivedFields {
    public static final String OUTSIDE_HOURS = "forwarder.outside_working_hours";
    public static final String NEW_SOURCE = "forwarder.new_source_for_user";
    public static final String ADMIN_LOGIN_RECENT = "forwarder.admin_login_recent";
    public static final java.time.Duration ADMIN_LOGIN_WINDOW = java.time.Duration.ofMinutes(30);
    private static final String USER_FILE_DATASET = "screenconnect.user.xml";
    /** The event fields {@link #apply} reads. */
    static final Set<String> READS = Set.of("event.dataset", "event.category", "event.outcome",
            "screenconnect.user.roles", "screenconnect.user.is_administrator", "user.target.name", "user.name",
            "source.ip");
    static final int MAX_USERS = 100_000;
    static final int MAX_ADDRESSES_PER_USER = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkingHours hours;
    private final Path file;
    private final Map<String, LinkedHashSet<String>> known;
    private boolean dirty;
    private java.time.Instant lastAdminLogin;

    /** @param file where known addresses are kept, or null to keep them in memory only */
    public DerivedFields(WorkingHours hours, Path file) {
        this.hours = hours;
        this.file = file;
        this.known = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LinkedHashSet<String>> eldest) {
                return size() > MAX_USERS;
            }
        };
        if (file != null && Files.exists(file)) {
            try {
                Map<String, List<String>> saved = JSON.readValue(file.toFile(), new TypeReference<>() { });
                saved.forEach((u, a) -> known.put(u, new LinkedHashSet<>(a)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " (known login addresses): " + e.getMessage()
                        + "; move it away to start learning again", e);
            }
        }
    }

    public EventView apply(EventView e) {
        if (USER_FILE_DATASET.equals(e.first("event.dataset")) && e.time() != null) {
            boolean recent = lastAdminLogin != null && !e.time().isBefore(lastAdminLogin)
                    && java.time.Duration.between(lastAdminLogin, e.time()).compareTo(ADMIN_LOGIN_WINDOW) <= 0;
            return e.with(ADMIN_LOGIN_RECENT, Boolean.toString(recent));
        }
        if (!e.values("event.category").contains("authentication") || !"success".equals(e.first("event.outcome"))) {
            return e;
        }
        if (isAdministrator(e) && e.time() != null
                && (lastAdminLogin == null || e.time().isAfter(lastAdminLogin))) {
            lastAdminLogin = e.time();
        }
        EventView out = e;
        if (e.time() != null) {
            out = out.with(OUTSIDE_HOURS, Boolean.toString(!hours.contains(e.time())));
        }
        String user = e.first("user.target.name") != null ? e.first("user.target.name") : e.first("user.name");
        String address = e.first("source.ip");
        if (user != null && address != null && !address.isEmpty()) {
            String key = user.toLowerCase(java.util.Locale.ROOT);
            LinkedHashSet<String> addresses = known.computeIfAbsent(key, k -> new LinkedHashSet<>());
            boolean isNew = !addresses.isEmpty() && !addresses.contains(address);
            if (addresses.add(address)) {
                dirty = true;
                if (addresses.size() > MAX_ADDRESSES_PER_USER) {
                    addresses.remove(addresses.iterator().next());
                }
            }
            out = out.with(NEW_SOURCE, Boolean.toString(isNew));
        }
        return out;
    }

    /**
     * Whether the user of a login is an administrator: {@code screenconnect.user.is_administrator} (a role that
     * allows Administer, from Role.xml), or where the event lacks it, a role whose name says admin.
     */
    private static boolean isAdministrator(EventView e) {
        String flag = e.first("screenconnect.user.is_administrator");
        if (flag != null && !flag.isEmpty()) {
            return flag.equals("true");
        }
        String roles = e.first("screenconnect.user.roles");
        return roles != null && roles.toLowerCase(java.util.Locale.ROOT).contains("admin");
    }

    /** Saves known addresses if they changed (atomically: a crash leaves the old or the new file). */
    public void flush() {
        if (!dirty || file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), known);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save known login addresses to " + file, e);
        }
    }
}
