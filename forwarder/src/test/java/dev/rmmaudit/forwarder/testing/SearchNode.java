package dev.rmmaudit.forwarder.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSearch node (module {@code search-node}, built before this one) in a child JVM with its own
 * classpath, HTTP on 127.0.0.1. It stops when closed, or when this JVM dies (its standard input closes).
 */
public final class SearchNode implements AutoCloseable {
    private static final Path MODULE = Path.of("..", "search-node", "target");
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private SearchNode(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SearchNode start(Path home) throws Exception {
        if (!Files.isDirectory(MODULE.resolve("lib")) || !Files.isDirectory(MODULE.resolve("classes"))) {
            throw new IllegalStateException("no OpenSearch node in " + MODULE.toAbsolutePath() + ": build from the "
                    + "repository's root (mvn verify), which builds module search-node first");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String cp = MODULE.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator
                + MODULE.resolve("lib").toAbsolutePath() + java.io.File.separator + "*";
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", cp, "dev.rmmaudit.searchnode.SearchNode",
                home.toAbsolutePath().toString(), Integer.toString(port))
                .redirectError(home.resolveSibling(home.getFileName() + ".log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("search node started")) {
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        if (line == null || !p.isAlive()) {
            p.destroyForcibly();
            throw new IllegalStateException("the OpenSearch node did not start; its log: "
                    + home.resolveSibling(home.getFileName() + ".log"));
        }
        SearchNode node = new SearchNode(p, port);
        node.awaitGreenOrYellow();
        return node;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitGreenOrYellow() throws Exception {
        HttpResponse<String> r = request("GET", "/_cluster/health?wait_for_status=yellow&timeout=60s", null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("cluster not ready: " + r.body());
        }
    }

    /** {@code method path} with a JSON body (or none); the answer, whatever its status. */
    public HttpResponse<String> request(String method, String path, String json) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type",
                "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

}
