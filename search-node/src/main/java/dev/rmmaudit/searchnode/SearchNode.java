package dev.rmmaudit.searchnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node with HTTP on 127.0.0.1, for the forwarder's integration tests:
 * {@code java -cp "target/classes:target/lib/*" dev.rmmaudit.searchnode.SearchNode HOME_DIR HTTP_PORT}. Prints
 * {@code search node started on port N} once it answers, and stops when its standard input closes (so it never
 * outlives the test that started it).
 */
public final class SearchNode extends Node {
    private SearchNode(Environment environment) {
        super(environment, List.of(Netty4Plugin.class, PainlessPlugin.class), true);
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "rmm-audit-test")
                .put("node.name", "test-node")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", port)
                .put("transport.port", 0)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "test-node");
        Node node = new SearchNode(env);
        node.start();
        System.out.println("search node started on port " + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our standard input
        }
        node.close();
        System.exit(0);
    }
}
