package dev.rmmaudit.forwarder.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Derives stable event ids: the same inputs give the same id on every run and every machine. */
public final class EventIds {
    private EventIds() {
    }

    /**
     * A 32-hex-digit id (128 bits of SHA-256) of the parts, which must together name one event uniquely:
     * typically the source position, the table and key, the action and the affected subject.
     */
    public static String of(String... parts) {
        MessageDigest sha = SHA256.get(); // digest() leaves it reset for the next id
        for (String p : parts) {
            byte[] bytes = (p == null ? "\u0000null" : p).getBytes(StandardCharsets.UTF_8);
            sha.update(intBytes(bytes.length));
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    /** One digest per thread: looking the algorithm up for every event showed in profiles. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    });

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
