package dev.rmmaudit.forwarder.sink;

import dev.rmmaudit.forwarder.config.ConfigException;
import dev.rmmaudit.forwarder.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds TLS socket factories: the JVM's trust store by default, or the CA certificates of a PEM file.
 * Verification can be turned off only explicitly ({@code verify: false}), for a lab.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SSLSocketFactory socketFactory(TlsConfig config) {
        return context(config).getSocketFactory();
    }

    /** An SSL context that trusts what {@code config} says (the JVM's trust store, a PEM file, or anything). */
    public static SSLContext context(TlsConfig config) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManager[] trust = null;
            if (!config.verify()) {
                trust = new TrustManager[] {new TrustEverything()};
            } else if (config.caFile() != null) {
                trust = trustManagersFor(config);
            }
            ctx.init(null, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("TLS cannot be set up: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagersFor(TlsConfig config) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        try (InputStream in = Files.newInputStream(config.caFile())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new ConfigException(config.caFile() + ": no PEM certificate found (tls.caFile)");
            }
        } catch (IOException e) {
            throw new ConfigException(config.caFile() + ": cannot read CA file (tls.caFile): " + e.getMessage());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    /** Trusts any certificate: only with {@code verify: false}, and logged as a warning at start. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // verification explicitly disabled by the operator
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // verification explicitly disabled by the operator
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
