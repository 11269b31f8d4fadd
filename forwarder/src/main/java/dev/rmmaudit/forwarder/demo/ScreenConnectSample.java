package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.io.InputStream;
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

/**
 * Makes a ScreenConnect {@code App_Data} folder to read: {@code Session.db} (SQLite in write-ahead-log mode, as
 * the service keeps it) from {@code samples/screenconnect/session-schema.sql}, and {@code User.xml} from
 * {@code samples/screenconnect/User.xml}; then writes to them as the service and an attacker would. The enum
 * values are ScreenConnect's own (see {@code mappings/screenconnect/}).
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
    /** Session connection event types. */
    public static final int CONNECTED = 10;
    public static final int DISCONNECTED = 11;
    /** Session event types. */
    public static final int CREATED_SESSION = 20;
    public static final int QUEUED_COMMAND = 44;
    public static final int RAN_COMMAND = 70;
    public static final int RAN_FILES = 85;
    public static final int QUEUED_UNINSTALL = 41;
    /** EventAttributes value that hides a row from the web UI. */
    public static final int HIDDEN = 1;
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path appData;
    private final Connection db;

    private ScreenConnectSample(Path appData, Connection db) {
        this.appData = appData;
        this.db = db;
    }

    /** Creates {@code appData} with an empty Session.db and the sample User.xml; returns a writer for it. */
    public static ScreenConnectSample create(Path appData) throws IOException, SQLException {
        Files.createDirectories(appData);
        try (InputStream users = resource("samples/screenconnect/User.xml")) {
            Files.copy(users, appData.resolve("User.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
        String schema;
        try (InputStream in = resource("samples/screenconnect/session-schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ScreenConnectSample s = open(appData);
        try (Statement st = s.db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
        return s;
    }

    /** A writer for an existing sample (a second process, as the ScreenConnect service is to the forwarder). */
    public static ScreenConnectSample open(Path appData) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + appData.resolve("Session.db"));
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=5000");
        }
        return new ScreenConnectSample(appData, c);
    }

    /**
     * The generator: {@code DIR create} makes a sample App_Data with a working day of history, {@code DIR logins N
     * [pauseMs]} appends N login attempts (every fourth one fails; a pause after each, if given), {@code DIR attack} adds a never-logged-in administrator
     * to User.xml (the CVE-2024-1709 pattern). Run by {@code samples/screenconnect/generate} and by the tests as
     * a separate process writing while the forwarder reads.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScreenConnectSample DIR create | DIR logins N [pauseMs] | DIR attack");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        switch (args[1]) {
            case "create" -> {
                try (ScreenConnectSample s = create(dir)) {
                    s.history(Instant.now().minusSeconds(8 * 3600));
                }
                System.out.println("made " + dir.resolve("Session.db") + " and " + dir.resolve("User.xml"));
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
                    s.addUser("eviladmin", "eviladmin@evil.example", "Administrator", true);
                }
            }
            default -> {
                System.err.println("unknown action " + args[1] + "; use create, logins N or attack");
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
        connectionEvent(t = t.plusSeconds(600), link, DISCONNECTED);
        byte[] accounts = session(t = t.plusSeconds(1800), "Accounts laptop", "admin", "ACCT-LT-07");
        sessionEvent(t = t.plusSeconds(120), accounts, "admin", RAN_FILES, "printer-driver-setup.exe", 0);
        security(t.plusSeconds(3 * 3600), LOGOUT, SUCCESS, "alice", "10.0.0.4");
    }

    /** .NET ticks (100 ns since 0001-01-01 UTC) of {@code t}. */
    public static long ticks(Instant t) {
        return TICKS_AT_EPOCH + t.getEpochSecond() * 10_000_000L + t.getNano() / 100;
    }

    /** Runs one INSERT with {@code values} bound in order (numbers, text, bytes or null). */
    private void insert(String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    /** A login, logout or password attempt. */
    public void security(Instant at, int eventType, int result, String user, String address) throws SQLException {
        insert("INSERT INTO SecurityEvent (Time, EventType, OperationResult, UserName, UserSource, NetworkAddress)"
                + " VALUES (?, ?, ?, ?, 'Internal', ?)", ticks(at), eventType, result, user, address);
    }

    /** Creates a support session for {@code guest}; returns its id. */
    public byte[] session(Instant at, String name, String host, String guest) throws SQLException {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        insert("INSERT INTO Session (SessionID, SessionType, Name, Host, GuestMachineName, GuestOperatingSystemName,"
                + " CreatedTime) VALUES (?, 2, ?, ?, ?, 'Windows 11', ?)", id, name, host, guest, ticks(at));
        sessionEvent(at, id, host, CREATED_SESSION, null, 0);
        return id;
    }

    /** {@code participant} connects to {@code session} from {@code address}; returns the connection id. */
    public byte[] connect(Instant at, byte[] session, String participant, String address) throws SQLException {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        insert("INSERT INTO SessionConnection (ConnectionID, SessionID, ProcessType, ParticipantName, NetworkAddress)"
                + " VALUES (?, ?, 1, ?, ?)", id, session, participant, address);
        connectionEvent(at, id, CONNECTED);
        return id;
    }

    /** A connection event (Connected, Disconnected). */
    public void connectionEvent(Instant at, byte[] connection, int type) throws SQLException {
        insert("INSERT INTO SessionConnectionEvent (ConnectionID, EventType, Time, EventAttributes)"
                + " VALUES (?, ?, ?, 0)", connection, type, ticks(at));
    }

    /** A session event, such as a command run or files sent; {@code attributes} 1 hides it from the web UI. */
    public void sessionEvent(Instant at, byte[] session, String host, int type, String data, int attributes)
            throws SQLException {
        insert("INSERT INTO SessionEvent (SessionID, Host, Time, EventType, Data, EventAttributes)"
                + " VALUES (?, ?, ?, ?, ?, ?)", session, host, ticks(at), type, data, attributes);
    }

    /**
     * Adds a user to User.xml as the CVE-2024-1709 setup-wizard bypass did: an administrator that has never logged
     * in. The file is rewritten through a temporary file, as the service does.
     */
    public void addUser(String name, String email, String role, boolean neverLoggedIn) throws IOException {
        String user = """
                  <User>
                    <Name>%s</Name>
                    <DisplayName>%s</DisplayName>
                    <Email>%s</Email>
                    <PasswordHash>sample-hash-%s-not-a-secret</PasswordHash>
                    <OneTimePasswordProvider></OneTimePasswordProvider>
                    <IsApproved>true</IsApproved>
                    <IsLockedOut>false</IsLockedOut>
                    <CreationDate>%s</CreationDate>
                    <LastLoginDate>%s</LastLoginDate>
                    <Roles>
                      <Role>%s</Role>
                    </Roles>
                  </User>
                """.formatted(name, name, email, name, Instant.now().toString().substring(0, 19),
                neverLoggedIn ? "0001-01-01T00:00:00" : Instant.now().toString().substring(0, 19), role);
        rewriteUsers(text -> text.replace("</Users>", user + "</Users>"));
    }

    /** Turns two-factor authentication off for {@code name} (its OneTimePasswordProvider emptied). */
    public void disableTwoFactor(String name) throws IOException {
        rewriteUsers(text -> {
            int at = text.indexOf("<Name>" + name + "</Name>");
            int end = text.indexOf("</User>", at);
            String user = text.substring(at, end).replaceAll("<OneTimePasswordProvider>[^<]*</OneTimePasswordProvider>",
                    "<OneTimePasswordProvider></OneTimePasswordProvider>");
            return text.substring(0, at) + user + text.substring(end);
        });
    }

    /** Writes {@code text} as User.xml, whatever it is (to test a malformed file). */
    public void writeUserFile(String text) throws IOException {
        rewriteUsers(old -> text);
    }

    private void rewriteUsers(java.util.function.UnaryOperator<String> change) throws IOException {
        Path file = appData.resolve("User.xml");
        String text = change.apply(Files.readString(file, StandardCharsets.UTF_8));
        Path tmp = appData.resolve("User.xml.tmp");
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
        db.close();
    }
}
