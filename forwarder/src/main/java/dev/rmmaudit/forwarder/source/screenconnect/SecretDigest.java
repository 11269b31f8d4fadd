package dev.rmmaudit.forwarder.source.screenconnect;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
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
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                createOwnerOnly(file, fresh);
            } catch (FileAlreadyExistsException raced) {
                // another start made it first: use that one
            }
        }
        byte[] k = Files.readAllBytes(file);
        if (k.length < 16) {
            throw new IOException(file + " holds " + k.length + " bytes, not a key; move it away to make a new one"
                    + " (every secret then reads as changed once)");
        }
        return new SecretDigest(k);
    }

    private static void createOwnerOnly(Path file, byte[] content) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class);
        if (posix != null) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
            AclFileAttributeView acl = Files.getFileAttributeView(file, AclFileAttributeView.class);
            if (acl != null) {
                UserPrincipal owner = Files.getOwner(file);
                acl.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                        .setPermissions(EnumSet.of(AclEntryPermission.READ_DATA, AclEntryPermission.WRITE_DATA,
                                AclEntryPermission.APPEND_DATA, AclEntryPermission.READ_ATTRIBUTES,
                                AclEntryPermission.WRITE_ATTRIBUTES, AclEntryPermission.READ_ACL,
                                AclEntryPermission.WRITE_ACL, AclEntryPermission.DELETE, AclEntryPermission.SYNCHRONIZE))
                        .build()));
            }
        }
        Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
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
