package dev.rmmaudit.forwarder.source.screenconnect;

import dev.rmmaudit.forwarder.source.StateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed digests of secret values (password hashes, one-time-password keys): enough to notice that a value
 * changed, useless to whoever reads the state directory without the key. The key is 32 random bytes made at the
 * first start in {@code stateDir/secret-digest.key}, readable by its owner only (POSIX mode 600, or a Windows ACL
 * that names the owner alone).
 */
final class SecretDigest {
    static final String PREFIX = "hmac:";
    static final String FILE = "secret-digest.key";
    private final SecretKeySpec key;

    private SecretDigest(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The install's key from {@code stateDir}, made there (owner-only) when there is none. */
    static SecretDigest load(Path stateDir) throws IOException {
        return new SecretDigest(StateFiles.ownerOnlyKey(stateDir.resolve(FILE),
                "every secret then reads as changed once"));
    }

    /** {@code hmac:} and 32 hex digits for a value; an empty or missing value stays as it is (nothing to hide). */
    String of(Object value) {
        if (value == null || value.toString().isEmpty() || isDigest(value)) {
            return value == null ? null : value.toString();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] d = mac.doFinal(value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(d, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this Java runtime", e);
        }
    }

    static boolean isDigest(Object value) {
        return value instanceof String s && s.startsWith(PREFIX) && s.length() == PREFIX.length() + 32;
    }
}
