package ai.dexto.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and a server certificate it signed for 127.0.0.1, made with the
 * JDK's own keytool (no extra dependency): PEM files for the control plane, a PKCS#12 trust store
 * holding only the CA for the gateway, and an SSLContext trusting it for the test's own client.
 */
final class TestCertificates {
    static final String PASSWORD = "test-only";

    final Path dir;
    final Path certPem;
    final Path keyPem;
    final Path trustStore;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.certPem = dir.resolve("internal.crt");
        this.keyPem = dir.resolve("internal.key");
        this.trustStore = dir.resolve("trust.p12");
    }

    static TestCertificates create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        Files.createDirectories(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=dexto-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt");
        c.keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-keystore", "server.p12");
        c.keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
        c.keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr",
                "-outfile", "server.crt", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-ext", "eku=serverAuth");
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12");
        Files.writeString(c.certPem, Files.readString(dir.resolve("server.crt")) + Files.readString(dir.resolve("ca.crt")));
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            server.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) server.getKey("server", PASSWORD.toCharArray());
        Files.writeString(c.keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return c;
    }

    /** The test CA's certificate (PEM), as the gateway's DEXTO_CONTROL_CA_FILE. */
    Path caPem() {
        return dir.resolve("ca.crt");
    }

    SSLContext trustingContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
