package dev.rmmaudit.forwarder.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;

/** A self-signed server certificate for 127.0.0.1 made with the JDK's keytool, and its PEM for clients. */
public record TestCertificates(Path keystore, Path pem, char[] password) {

    public static TestCertificates create(Path dir, String cn, String san) throws IOException, InterruptedException {
        char[] pw = "changeit".toCharArray();
        Path ks = dir.resolve(cn + ".p12");
        Path pem = dir.resolve(cn + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", new String(pw), "-keypass", new String(pw)));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                "-storepass", new String(pw), "-file", pem.toString()));
        return new TestCertificates(ks, pem, pw);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    public SSLServerSocketFactory serverFactory() throws Exception {
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            k.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx.getServerSocketFactory();
    }
}
