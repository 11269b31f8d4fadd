package dev.rmmaudit.forwarder.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** What the sources share about their state: where they run, and files replaced whole or not at all. */
public final class StateFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFiles() {
    }

    /** Writes {@code value} as JSON to {@code file} through a temporary file: a crash leaves the old or the new. */
    public static void writeJson(Path file, Object value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** This machine's name, as events name the server a source reads ({@code localhost} when it has none). */
    public static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
