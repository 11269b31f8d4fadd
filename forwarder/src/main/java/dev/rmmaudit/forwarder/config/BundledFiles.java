package dev.rmmaudit.forwarder.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads the YAML files shipped in the jar (built-in mappings and rules), and YAML files of a directory. */
public final class BundledFiles {
    private BundledFiles() {
    }

    /** The {@code *.yml} files under the class-path folder {@code folder}, by resource path, in name order. */
    public static Map<String, String> read(String folder) {
        URL url = BundledFiles.class.getClassLoader().getResource(folder);
        if (url == null) {
            throw new ConfigException("the built-in " + folder + " are missing from the class path (a broken build?)");
        }
        Map<String, String> out = new TreeMap<>();
        try {
            URI uri = url.toURI();
            Path root;
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                root = fs.getPath(folder);
            } else {
                root = Path.of(uri);
            }
            for (Path p : yamlFiles(root)) {
                out.put(folder + "/" + root.relativize(p).toString().replace('\\', '/'),
                        Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException | URISyntaxException e) {
            throw new ConfigException("cannot read the built-in " + folder + ": " + e.getMessage());
        }
        return out;
    }

    /** The {@code *.yml} and {@code *.yaml} files below {@code dir}, sorted. */
    public static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
