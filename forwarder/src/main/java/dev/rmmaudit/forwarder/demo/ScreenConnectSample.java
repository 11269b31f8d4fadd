package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Makes a ScreenConnect {@code App_Data} folder to read and writes to it as the service and an attacker would. The
 * 25.x layout by default: {@code Security.db} (login events) and {@code Session.db} (connections as session events),
 * both SQLite in write-ahead-log mode as the service keeps them, with GUID ids and raw addresses; the older layout
 * on request: one {@code Session.db} with {@code SessionConnectionEvent}, {@code EventAttributes} and the login
 * table, text addresses, no event ids. Beside them {@code User.xml}, {@code Role.xml} and, in the folder above,
 * {@code web.config}. The enum values are ScreenConnect's own (see {@code mappings/screenconnect/}).
 */
public final class ScreenConnectSample implements AutoCloseable {
    /** Security event types. */
    public static final int LOGIN = 0;
    public static final int LOGOUT = 1;
    /** Security operation results. */
    public static final int SUCCESS = 1;
    public static final int USER_NAME_INVALID = 2;
    public static final int PASSWORD_INVALID = 7;
    public static final int ONE_TIME_PASSWORD_REQUIRED = 11;
    /** Session event types. */
    public static final int CONNECTED = 10;
    public static final int DISCONNECTED = 11;
    public static final int CREATED_SESSION = 20;
    public static final int QUEUED_COMMAND = 44;
    public static final int RAN_COMMAND = 70;
    public static final int RAN_FILES = 85;
    public static final int QUEUED_UNINSTALL = 41;
    /** EventAttributes value that hides a row from the web UI (older layout). */
    public static final int HIDDEN = 1;
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path appData;
    private final boolean legacy;
    private final Connection session;
    private final Connection security;

    private ScreenConnectSample(Path appData, boolean legacy, Connection session, Connection security) {
        this.appData = appData;
        this.legacy = legacy;
        this.session = session;
        this.security = security;
    }

    /** Creates {@code appData} in the 25.x layout, with the sample users, roles and web.config. */
    public static ScreenConnectSample create(Path appData) throws IOException, SQLException {
        return create(appData, false);
    }

    /** Creates {@code appData} in the 25.x layout, or the older one with {@code legacy}; returns a writer for it. */
    public static ScreenConnectSample create(Path appData, boolean legacy) throws IOException, SQLException {
        Files.createDirectories(appData);
        for (String f : new String[] {"User.xml", "Role.xml"}) {
            try (InputStream in = resource("samples/screenconnect/" + f)) {
                Files.copy(in, appData.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (InputStream in = resource("samples/screenconnect/web.config")) {
            Files.copy(in, webConfig(appData), StandardCopyOption.REPLACE_EXISTING);
        }
        if (legacy) {
            schema(appData.resolve("Session.db"), "session-schema-legacy.sql");
        } else {
            schema(appData.resolve("Session.db"), "session-schema.sql");
            schema(appData.resolve("Security.db"), "security-schema.sql");
        }
        return open(appData);
    }

    private static void schema(Path db, String resource) throws IOException, SQLException {
        String schema;
        try (InputStream in = resource("samples/screenconnect/" + resource)) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    /** The server's web.config: in the folder above App_Data. */
    public static Path webConfig(Path appData) {
        return appData.toAbsolutePath().getParent().resolve("web.config");
    }

    /** A writer for an existing sample (a second process, as the ScreenConnect service is to the forwarder). */
    public static ScreenConnectSample open(Path appData) throws SQLException {
        boolean legacy = !Files.exists(appData.resolve("Security.db"));
        Connection s = connect(appData.resolve("Session.db"));
        return new ScreenConnectSample(appData, legacy, s, legacy ? s : connect(appData.resolve("Security.db")));
    }

    private static Connection connect(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    /**
     * The generator: {@code DIR create [legacy]} makes a sample App_Data with a working day of history, {@code DIR
     * logins N [pauseMs]} appends N login attempts (every fourth one fails; a pause after each, if given),
     * {@code DIR attack} adds a never-logged-in administrator to User.xml, {@code DIR reset} rewrites User.xml with
     * one new administrator and nobody else (both CVE-2024-1709), {@code mfa-off NAME} turns a user's MFA off,
     * {@code audit LEVEL} sets web.config's AuditLevel, {@code hide} runs a command and hides it from the web UI,
     * {@code old} writes a login 200 days old and a session 40 days old, {@code purge DAYS} deletes what is older
     * (the maintenance plan). Run by {@code samples/screenconnect/generate} and by the tests as a separate process
     * writing while the forwarder reads.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScreenConnectSample DIR create [legacy] | DIR logins N [pauseMs] | DIR attack"
                    + " | DIR reset");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        switch (args[1]) {
            case "create" -> {
                boolean legacy = args.length > 2 && args[2].equals("legacy");
                try (ScreenConnectSample s = create(dir, legacy)) {
                    s.history(Instant.now().minusSeconds(8 * 3600));
                }
                System.out.println("made " + dir + " in the " + (legacy ? "older" : "25.x") + " layout");
            }
            case "logins" -> {
                int n = Integer.parseInt(args[2]);
                long pauseMillis = args.length > 3 ? Long.parseLong(args[3]) : 0;
                try (ScreenConnectSample s = open(dir)) {
                    for (int i = 0; i < n; i++) {
                        s.security(Instant.now(), LOGIN, i % 4 == 3 ? PASSWORD_INVALID : SUCCESS, "user" + i,
                                "10.1." + (i / 250 % 250) + "." + (i % 250));
                        if (pauseMillis > 0) {
                            Thread.sleep(pauseMillis);
                        }
                    }
                }
            }
            case "attack" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.addUser("eviladmin", "eviladmin@evil.example", "Control Administrator", true);
                }
            }
            case "reset" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.resetUserStore("setupadmin", "setupadmin@poc.com");
                }
            }
            case "mfa-off" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.disableTwoFactor(args[2]);
                }
            }
            case "audit" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.setAuditLevel(args[2]);
                }
            }
            case "hide" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.commandHidden(Instant.now(), "cmd.exe /c net user backdoor /add");
                }
            }
            case "old" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.security(Instant.now().minus(java.time.Duration.ofDays(200)), LOGIN, SUCCESS, "old-login",
                            "10.0.0.9");
                    s.session(Instant.now().minus(java.time.Duration.ofDays(40)), "Old", "bob", "OLD-PC");
                }
            }
            case "purge" -> {
                try (ScreenConnectSample s = open(dir)) {
                    s.purge(Instant.now().minus(java.time.Duration.ofDays(Long.parseLong(args[2]))));
                }
            }
            default -> {
                System.err.println("unknown action " + args[1] + "; use create, logins N, attack, reset, mfa-off NAME,"
                        + " audit LEVEL, hide, old or purge DAYS");
                System.exit(2);
            }
        }
    }

    /** A working day from {@code start}: logins with one-time passwords, sessions, commands, files, a typo. */
    public void history(Instant start) throws SQLException {
        Instant t = start;
        security(t, LOGIN, ONE_TIME_PASSWORD_REQUIRED, "admin", "10.0.0.2");
        security(t = t.plusSeconds(20), LOGIN, SUCCESS, "admin", "10.0.0.2");
        security(t = t.plusSeconds(600), LOGIN, PASSWORD_INVALID, "alice", "10.0.0.4");
        security(t = t.plusSeconds(30), LOGIN, ONE_TIME_PASSWORD_REQUIRED, "alice", "10.0.0.4");
        security(t = t.plusSeconds(20), LOGIN, SUCCESS, "alice", "10.0.0.4");
        byte[] reception = session(t = t.plusSeconds(300), "Reception", "alice", "RECEPTION-01");
        byte[] link = connect(t = t.plusSeconds(10), reception, "alice", "10.0.0.4");
        sessionEvent(t = t.plusSeconds(60), reception, "alice", QUEUED_COMMAND, "ipconfig /all", 0);
        sessionEvent(t = t.plusSeconds(5), reception, "alice", RAN_COMMAND, "ipconfig /all", 0);
        connectionEvent(t = t.plusSeconds(600), reception, link, DISCONNECTED);
        byte[] accounts = session(t = t.plusSeconds(1800), "Accounts laptop", "admin", "ACCT-LT-07");
        sessionEvent(t = t.plusSeconds(120), accounts, "admin", RAN_FILES, "printer-driver-setup.exe", 0);
        security(t.plusSeconds(3 * 3600), LOGOUT, SUCCESS, "alice", "10.0.0.4");
    }

    /** .NET ticks (100 ns since 0001-01-01 UTC) of {@code t}. */
    public static long ticks(Instant t) {
        return TICKS_AT_EPOCH + t.getEpochSecond() * 10_000_000L + t.getNano() / 100;
    }

    private static void insert(Connection db, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private static byte[] guid() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return id;
    }

    /** An address as the layout stores it: raw bytes (25.x) or text (older). */
    private Object address(String address) {
        if (legacy || address == null) {
            return address;
        }
        try {
            return InetAddress.getByName(address).getAddress(); // literals only: nothing is looked up
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }

    /** A login, logout or password attempt; returns its EventID (null in the older layout, which has none). */
    public byte[] security(Instant at, int eventType, int result, String user, String address) throws SQLException {
        if (legacy) {
            insert(security, "INSERT INTO SecurityEvent (Time, EventType, OperationResult, UserName, UserSource,"
                    + " NetworkAddress) VALUES (?, ?, ?, ?, 'InternalMembershipProvider', ?)", ticks(at), eventType,
                    result, user, address);
            return null;
        }
        byte[] id = guid();
        insert(security, "INSERT INTO SecurityEvent (EventID, EventType, OperationResult, Time, NetworkAddress,"
                + " UserAgent, UserSource, UrlReferrer, UserName) VALUES (?, ?, ?, ?, ?, 'Mozilla/5.0', ?, '', ?)", id,
                eventType, result, ticks(at), address(address), user == null || user.isEmpty() ? ""
                : "InternalMembershipProvider", user);
        return id;
    }

    /** Creates a support session for {@code guest}; returns its id. */
    public byte[] session(Instant at, String name, String host, String guest) throws SQLException {
        byte[] id = guid();
        if (legacy) {
            insert(session, "INSERT INTO Session (SessionID, SessionType, Name, Host, GuestMachineName,"
                    + " GuestOperatingSystemName, CreatedTime) VALUES (?, 2, ?, ?, ?, 'Windows 11', ?)", id, name, host,
                    guest, ticks(at));
        } else {
            insert(session, "INSERT INTO Session (SessionID, SessionType, Name, Host, GuestMachineName,"
                    + " GuestOperatingSystemName) VALUES (?, 2, ?, ?, ?, 'Windows 11')", id, name, host, guest);
        }
        sessionEvent(at, id, host, CREATED_SESSION, null, 0);
        return id;
    }

    /** {@code participant} connects to {@code sessionId} from {@code address}; returns the connection id. */
    public byte[] connect(Instant at, byte[] sessionId, String participant, String address) throws SQLException {
        byte[] id = guid();
        insert(session, "INSERT INTO SessionConnection (ConnectionID, SessionID, ProcessType, ParticipantName,"
                + " NetworkAddress) VALUES (?, ?, 1, ?, ?)", id, sessionId, participant, address(address));
        connectionEvent(at, sessionId, id, CONNECTED);
        return id;
    }

    /** A connection event (Connected, Disconnected): a SessionEvent row (25.x) or a SessionConnectionEvent row. */
    public void connectionEvent(Instant at, byte[] sessionId, byte[] connection, int type) throws SQLException {
        if (legacy) {
            insert(session, "INSERT INTO SessionConnectionEvent (ConnectionID, EventType, Time, EventAttributes)"
                    + " VALUES (?, ?, ?, 0)", connection, type, ticks(at));
        } else {
            insert(session, "INSERT INTO SessionEvent (SessionID, EventID, EventType, ConnectionID, Host, Time)"
                    + " VALUES (?, ?, ?, ?, '', ?)", sessionId, guid(), type, connection, ticks(at));
        }
    }

    /**
     * A session event, such as a command run or files sent; returns its EventID (null in the older layout).
     * {@code attributes} 1 hides it from the web UI in the older layout; 25.x has no such column.
     */
    public byte[] sessionEvent(Instant at, byte[] sessionId, String host, int type, String data, int attributes)
            throws SQLException {
        if (legacy) {
            insert(session, "INSERT INTO SessionEvent (SessionID, Host, Time, EventType, Data, EventAttributes)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", sessionId, host, ticks(at), type, data, attributes);
            return null;
        }
        byte[] id = guid();
        insert(session, "INSERT INTO SessionEvent (SessionID, EventID, EventType, Host, Time, Data)"
                + " VALUES (?, ?, ?, ?, ?, ?)", sessionId, id, type, host, ticks(at), data);
        return id;
    }

    /**
     * Runs {@code command} in a new session and hides it from the web UI as the layout does: flagged with
     * EventAttributes (older) or, a moment later, its row deleted (25.x).
     */
    public void commandHidden(Instant at, String command) throws SQLException, InterruptedException {
        byte[] s = session(at, "Front desk", "alice", "FRONTDESK-PC");
        byte[] ran = sessionEvent(at.plusSeconds(1), s, "alice", RAN_COMMAND, command, HIDDEN);
        if (!legacy) {
            Thread.sleep(1_500); // read first, then gone
            deleteSessionEvent(ran);
        }
    }

    /** Deletes a session event, as a 25.x user hiding it from the web UI does. */
    public void deleteSessionEvent(byte[] eventId) throws SQLException {
        insert(session, "DELETE FROM SessionEvent WHERE EventID = ?", eventId);
    }

    /** Deletes a login event (nothing in ScreenConnect does that but its maintenance purge). */
    public void deleteSecurityEvent(byte[] eventId) throws SQLException {
        insert(security, "DELETE FROM SecurityEvent WHERE EventID = ?", eventId);
    }

    /** The maintenance purge: deletes security and session events older than {@code before}. */
    public void purge(Instant before) throws SQLException {
        insert(security, "DELETE FROM SecurityEvent WHERE Time < ?", ticks(before));
        insert(session, "DELETE FROM SessionEvent WHERE Time < ?", ticks(before));
    }

    /**
     * Adds a user to User.xml as the CVE-2024-1709 setup-wizard bypass did: an administrator that has never logged
     * in. The file is rewritten through a temporary file, as the service does.
     */
    public void addUser(String name, String email, String role, boolean neverLoggedIn) throws IOException {
        String user = userXml(name, email, role, neverLoggedIn);
        rewrite("User.xml", text -> text.replace("</Users>", user + "</Users>"));
    }

    /** Rewrites User.xml with one never-logged-in administrator and nobody else: the CVE-2024-1709 reset. */
    public void resetUserStore(String name, String email) throws IOException {
        rewrite("User.xml", text -> "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Users>\n"
                + userXml(name, email, "Control Administrator", true) + "</Users>\n");
    }

    private static String userXml(String name, String email, String role, boolean neverLoggedIn) {
        String now = Instant.now().toString().substring(0, 19);
        return """
                  <User>
                    <CreationDate>%s</CreationDate>
                    <Email>%s</Email>
                    <IsApproved>true</IsApproved>
                    <IsLockedOut>false</IsLockedOut>
                    <LastLoginDate>%s</LastLoginDate>
                    <LastPasswordChangedDate>%s</LastPasswordChangedDate>
                    <Name>%s</Name>
                    <PasswordHashHistory>
                      <base64Binary>c2FtcGxlLWhhc2gtJXMtbm90LWEtc2VjcmV0</base64Binary>
                    </PasswordHashHistory>
                    <Roles>
                      <string>%s</string>
                    </Roles>
                    <PasswordQuestion></PasswordQuestion>
                    <DisplayName>%s</DisplayName>
                  </User>
                """.formatted(now, email, neverLoggedIn ? "0001-01-01T00:00:00" : now, now, name, role, name);
    }

    /** Turns MFA off for {@code name}: its PasswordQuestion (the one-time-password setting) emptied. */
    public void disableTwoFactor(String name) throws IOException {
        changeUser(name, u -> u.replaceAll("<PasswordQuestion>[^<]*</PasswordQuestion>", "<PasswordQuestion></PasswordQuestion>"));
    }

    /** Locks {@code name} out, as too many wrong passwords do. */
    public void lockOut(String name) throws IOException {
        changeUser(name, u -> u.replace("<IsLockedOut>false</IsLockedOut>", "<IsLockedOut>true</IsLockedOut>"));
    }

    /** Gives {@code name} a new password hash and change date. */
    public void changePassword(String name) throws IOException {
        changeUser(name, u -> u.replaceAll("<base64Binary>[^<]*</base64Binary>", "<base64Binary>"
                + java.util.Base64.getEncoder().encodeToString(guid()) + "</base64Binary>")
                .replaceAll("<LastPasswordChangedDate>[^<]*</LastPasswordChangedDate>", "<LastPasswordChangedDate>"
                        + Instant.now().toString().substring(0, 19) + "</LastPasswordChangedDate>"));
    }

    /** Sets {@code name}'s roles. */
    public void setRoles(String name, String... roles) throws IOException {
        StringBuilder r = new StringBuilder("<Roles>");
        for (String role : roles) {
            r.append("<string>").append(role).append("</string>");
        }
        changeUser(name, u -> u.replaceAll("(?s)<Roles>.*?</Roles>", r + "</Roles>"));
    }

    /** Lets role {@code role} Administer (every member becomes an administrator). */
    public void grantAdminister(String role) throws IOException {
        rewrite("Role.xml", text -> {
            int at = text.indexOf("<Name>" + role + "</Name>");
            int end = text.indexOf("</PermissionEntries>", at);
            return text.substring(0, end) + "  <PermissionEntry AccessControlType=\"Allow\" Name=\"Administer\""
                    + " SessionGroupFilter=\"AllSessionGroups\" />\n    " + text.substring(end);
        });
    }

    /** Sets web.config's AuditLevel (Basic or Extended). */
    public void setAuditLevel(String level) throws IOException {
        Path file = webConfig(appData);
        String text = Files.readString(file, StandardCharsets.UTF_8)
                .replaceAll("key=\"AuditLevel\" value=\"[^\"]*\"", "key=\"AuditLevel\" value=\"" + level + "\"");
        replace(file, text);
    }

    private void changeUser(String name, UnaryOperator<String> change) throws IOException {
        rewrite("User.xml", text -> {
            int at = text.indexOf("<Name>" + name + "</Name>");
            int start = text.lastIndexOf("<User>", at);
            int end = text.indexOf("</User>", at);
            return text.substring(0, start) + change.apply(text.substring(start, end)) + text.substring(end);
        });
    }

    /** Writes {@code text} as User.xml, whatever it is (to test a malformed file). */
    public void writeUserFile(String text) throws IOException {
        rewrite("User.xml", old -> text);
    }

    private void rewrite(String file, UnaryOperator<String> change) throws IOException {
        Path path = appData.resolve(file);
        replace(path, change.apply(Files.readString(path, StandardCharsets.UTF_8)));
    }

    /** Replaces a file through a temporary one, as the service does. */
    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ScreenConnectSample.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name + " (the jar is incomplete)");
        }
        return in;
    }

    @Override
    public void close() throws SQLException {
        session.close();
        if (security != session) {
            security.close();
        }
    }
}
