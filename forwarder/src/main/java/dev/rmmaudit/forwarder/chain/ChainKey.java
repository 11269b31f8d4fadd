package dev.rmmaudit.forwarder.chain;

import dev.rmmaudit.forwarder.source.StateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The install's chain key: 32 random bytes made at the first start in {@code stateDir/chain.key}, readable by
 * its owner only. A SOC that holds a copy ({@code forwarder key export}) can check every event; without it, nobody
 * can make a link that checks. Its {@link #id()} names it in every event without revealing it.
 */
public final class ChainKey {
    public static final String FILE = "chain.key";
    private final SecretKeySpec key;
    private final String id;

    private ChainKey(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.id = HexFormat.of().formatHex(mac("rmm-audit chain key id".getBytes(StandardCharsets.US_ASCII)), 0, 8);
    }

    /** The install's key from {@code stateDir}, made there (owner-only) when there is none. */
    public static ChainKey load(Path stateDir) throws IOException {
        return new ChainKey(StateFiles.ownerOnlyKey(stateDir.resolve(FILE),
                "events sealed from then on need the new key to be checked; export it again"));
    }

    /**
     * A key as {@code forwarder key export} wrote it (64 hex digits, surrounding white space ignored) or as the
     * state directory holds it (32 raw bytes).
     */
    public static ChainKey read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        if (text.matches("[0-9a-fA-F]{64}")) {
            return new ChainKey(HexFormat.of().parseHex(text));
        }
        if (raw.length == 32) {
            return new ChainKey(raw);
        }
        throw new IOException(file + " is not a chain key: expected 64 hex digits (what `forwarder key export` "
                + "writes) or the 32-byte " + FILE + " from the state directory");
    }

    /** The key as {@code forwarder key export} writes it: 64 hex digits. */
    public static String export(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException("no chain key in " + stateDir + " yet: the forwarder makes it at its first start");
        }
        return HexFormat.of().formatHex(Files.readAllBytes(file));
    }

    /** Sixteen hex digits naming the key (an HMAC of a fixed text under it: nothing about the key itself). */
    public String id() {
        return id;
    }

    private byte[] mac(byte[] data) {
        return newMac().doFinal(data);
    }

    /** A fresh HMAC-SHA-256 under this key (one per thread: a Mac is not thread-safe). */
    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this Java runtime", e);
        }
    }
}
