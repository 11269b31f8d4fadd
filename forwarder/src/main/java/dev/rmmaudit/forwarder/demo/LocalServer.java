package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway MariaDB or MySQL server from the binaries installed on this machine ({@code mariadbd} or
 * {@code mysqld}): a fresh data directory in a temporary folder, binary logging on in ROW format with full
 * row images, listening on 127.0.0.1 only, on a free port. It never touches the machine's own database
 * service or its files.
 */
public final class LocalServer implements ThrowawayDatabase {
    private static final List<String> SEARCH_DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin",
            "/usr/local/bin", "/usr/local/mysql/bin", "/opt/homebrew/bin", "/usr/libexec",
            "C:\\Program Files\\MariaDB 11.4\\bin", "C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin");

    private Process process;
    private final Path dir;
    private final int port;
    private final String flavor;
    private final List<String> command;

    private LocalServer(Process process, Path dir, int port, String flavor, List<String> command) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.flavor = flavor;
        this.command = List.copyOf(command);
    }

    /** The server binary found on the PATH or in the usual places, preferring MariaDB's. */
    public static Optional<Path> findServerBinary() {
        for (String name : List.of("mariadbd", "mysqld")) {
            Optional<Path> p = findTool(name);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    static Optional<Path> findTool(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.addAll(SEARCH_DIRS);
        for (String d : dirs) {
            for (String candidate : List.of(name, name + ".exe")) {
                Path p = Path.of(d, candidate);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Initialises a data directory under a new temporary folder and starts the server; ready when it returns. */
    public static LocalServer start(Path serverBinary) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("rmm-audit-db-");
        try {
            String flavor = serverBinary.getFileName().toString().startsWith("mariadbd") ? "mariadb" : "mysql";
            Path data = dir.resolve("data");
            initialise(serverBinary, flavor, data, dir);
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(serverBinary.toString(), "--no-defaults",
                    "--datadir=" + data, "--port=" + port, "--bind-address=127.0.0.1",
                    "--socket=" + dir.resolve("server.sock"), "--pid-file=" + dir.resolve("server.pid"),
                    "--log-bin=" + data.resolve("binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL",
                    "--server-id=1", "--max-connections=200", "--log-error=" + dir.resolve("server.log")));
            if (isRoot()) {
                cmd.add("--user=root");
            }
            if (flavor.equals("mysql")) {
                cmd.add("--mysqlx=OFF");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.out").toFile()).start();
            LocalServer server = new LocalServer(p, dir, port, flavor, cmd);
            server.awaitReady();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static void initialise(Path server, String flavor, Path data, Path dir)
            throws IOException, InterruptedException {
        List<String> cmd;
        if (flavor.equals("mariadb")) {
            Path install = findTool("mariadb-install-db").or(() -> findTool("mysql_install_db"))
                    .orElseThrow(() -> new IOException("mariadb-install-db was not found next to " + server));
            cmd = new ArrayList<>(List.of(install.toString(), "--no-defaults", "--datadir=" + data,
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
            Path base = server.getParent().getParent();
            if (base != null && !base.toString().equals("/")) {
                cmd.add("--basedir=" + base);
            }
        } else {
            cmd = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--initialize-insecure",
                    "--datadir=" + data));
        }
        if (isRoot()) {
            cmd.add("--user=root");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("initialising the data directory failed: " + String.join(" ", cmd) + "\n"
                    + tail(dir.resolve("install.log")));
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the database server stopped at start:\n" + tail(dir.resolve("server.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("the database server did not accept connections within 60 s");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The server's error log (with log_warnings 2, its default, it records refused logins). */
    public Path errorLog() {
        return dir.resolve("server.log");
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String flavor() {
        return flavor;
    }

    @Override
    public String rootUser() {
        return "root";
    }

    @Override
    public String rootPassword() {
        return "";
    }

    /** Stops the server and starts it again on the same port and data (a database restart, for fault tests). */
    public void restart() throws IOException, InterruptedException {
        stopProcess();
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile())).start();
        awaitReady();
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and removes its data directory. */
    @Override
    public void close() {
        stopProcess();
        deleteTree(dir);
    }

    /** Deletes a directory and everything in it (what cannot be deleted is left); for throwaway directories. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
