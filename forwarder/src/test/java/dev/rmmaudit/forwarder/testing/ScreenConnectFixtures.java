package dev.rmmaudit.forwarder.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The secrets of the ScreenConnect sample (samples/screenconnect/User.xml, the generator's users), to grep for. */
public final class ScreenConnectFixtures {
    /** Password hashes (base64 and decoded) and one-time-password keys of the sample users. */
    public static final List<String> SECRETS = List.of("c2FtcGxlLWhhc2gt", "sample-hash-", "SAMPLEOTPKEY",
            "ms:SAMPLE");

    private ScreenConnectFixtures() {
    }

    /** Every file under {@code dir} (recursively) that holds one of {@link #SECRETS}, with the secret found. */
    public static List<String> filesWithSecrets(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String s : SECRETS) {
                    if (text.contains(s)) {
                        found.add(f + " holds " + s);
                    }
                }
            }
        }
        return found;
    }
}
