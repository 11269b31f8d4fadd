package dev.rmmaudit.forwarder.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MySQL 8 (the version Automate runs) in a Docker container, through the {@code docker} command,
 * published on 127.0.0.1 only. Used by the demo when no local server binary exists but a Docker engine does.
 */
public final class DockerServer implements ThrowawayDatabase {
    private final String container;
    private final int port;
    private final String password;

    private DockerServer(String container, int port, String password) {
        this.container = container;
        this.port = port;
        this.password = password;
    }

    /** True when a {@code docker} command exists and its engine answers. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static DockerServer start() throws IOException, InterruptedException {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        String password = HexFormat.of().formatHex(b);
        String id = docker(List.of("docker", "run", "-d", "--rm", "-p", "127.0.0.1::3306", "-e",
                "MYSQL_ROOT_PASSWORD=" + password, "mysql:8.0", "--server-id=1", "--binlog-format=ROW",
                "--binlog-row-image=FULL")).trim();
        String mapped = docker(List.of("docker", "port", id, "3306/tcp")).trim().split("\n")[0];
        int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
        DockerServer s = new DockerServer(id, port, password);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (var c = DriverManager.getConnection(s.jdbcUrl(), "root", password)) {
                return s;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline) {
                    s.close();
                    throw new IOException("MySQL in Docker did not accept connections within 120 s");
                }
                Thread.sleep(500);
            }
        }
    }

    private static String docker(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd.get(1) + " failed: " + out.replace(cmd.toString(), ""));
        }
        return out;
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
        return "mysql";
    }

    @Override
    public String rootUser() {
        return "root";
    }

    @Override
    public String rootPassword() {
        return password;
    }

    @Override
    public void close() {
        try {
            docker(List.of("docker", "rm", "-f", container));
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
