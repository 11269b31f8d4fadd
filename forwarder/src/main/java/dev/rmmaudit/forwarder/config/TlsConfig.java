package dev.rmmaudit.forwarder.config;

import java.nio.file.Path;

/**
 * TLS settings for a client connection. Verification of the server certificate and host name is on by
 * default; turning it off is possible for a lab, and logged as a warning at start.
 *
 * @param caFile PEM file with the CA certificates to trust instead of the JVM's default trust store
 */
public record TlsConfig(Path caFile, boolean verify) {
    public static final TlsConfig DEFAULT = new TlsConfig(null, true);

    static TlsConfig read(ConfigNode n, Path baseDir) {
        if (!n.isPresent()) {
            return DEFAULT;
        }
        String ca = n.string("caFile", null);
        boolean verify = n.bool("verify", true);
        n.rejectUnknownKeys();
        return new TlsConfig(ca == null ? null : baseDir.resolve(ca).normalize(), verify);
    }
}
