package io.eventual.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.eventual.local.LocalInfrastructure;

/**
 * A certificate authority and a server certificate for {@code localhost} (and 127.0.0.1), made with the JDK's keytool
 * for a test run: nothing to install, valid for two days. The embedded broker serves AMQPS with the PKCS#12 key
 * store, the embedded PostgreSQL serves TLS with the PEM files, clients trust {@link #caCertificate()}.
 */
public record TestCertificates(Path caCertificate, LocalInfrastructure.ServerTls server) {

    private static final String PASSWORD = "changeit";

    /** Another authority, which signed nothing eventual serves: clients trusting only it must be refused. */
    public static Path otherAuthority(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path store = directory.resolve("other-ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=someone-else",
                "-ext", "bc:c", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path pem = directory.resolve("other-ca.crt");
        keytool("-exportcert", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD, "-rfc", "-file", pem.toString());
        return pem;
    }

    /** A new authority and server certificate under {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        String ca = dir.resolve("ca.p12").toString();
        String server = dir.resolve("server.p12").toString();
        Path caPem = dir.resolve("ca.crt");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("server-signed.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=eventual-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "ca", "-keystore", ca, "-storepass", PASSWORD, "-rfc", "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", server, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "server", "-keystore", server, "-storepass", PASSWORD, "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca, "-storepass", PASSWORD, "-infile", request.toString(),
                "-outfile", signed.toString(), "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-rfc");
        keytool("-importcert", "-alias", "ca", "-keystore", server, "-storepass", PASSWORD, "-file", caPem.toString(), "-noprompt");
        keytool("-importcert", "-alias", "server", "-keystore", server, "-storepass", PASSWORD, "-file", signed.toString());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(server))) {
            store.load(in, PASSWORD.toCharArray());
        }
        Path certificatePem = dir.resolve("server.crt");
        Path keyPem = dir.resolve("server.key");
        List<String> chain = new ArrayList<>();
        for (Certificate certificate : store.getCertificateChain("server")) {
            chain.add(pem("CERTIFICATE", certificate.getEncoded()));
        }
        Files.writeString(certificatePem, String.join("", chain));
        Files.writeString(keyPem, pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        // PostgreSQL refuses a key file others may read.
        Files.setPosixFilePermissions(keyPem, PosixFilePermissions.fromString("rw-------"));
        return new TestCertificates(caPem, new LocalInfrastructure.ServerTls(Path.of(server), PASSWORD, certificatePem, keyPem));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
