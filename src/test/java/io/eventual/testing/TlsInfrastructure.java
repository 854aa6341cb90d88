package io.eventual.testing;

import java.nio.file.Path;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;

/**
 * The embedded broker and database serving only TLS, with a certificate authority made for the run; the application
 * configured as in production: AMQPS verifying the broker's certificate and host, PostgreSQL with sslmode=verify-full.
 */
public class TlsInfrastructure extends EmbeddedInfrastructure {

    private String ca;

    @Override
    protected LocalInfrastructure.ServerTls serverTls(Path directory) throws Exception {
        TestCertificates certificates = TestCertificates.create(directory.resolve("certificates"));
        ca = certificates.caCertificate().toAbsolutePath().toString();
        System.setProperty("test.tls-ca", ca);
        System.setProperty("test.tls-directory", directory.toString());
        return certificates.server();
    }

    @Override
    protected void clientTls(Map<String, String> config) {
        config.put("eventual.broker.tls.enabled", "true");
        config.put("eventual.broker.tls.trust-certs", ca);
        config.put("quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full");
        config.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
        config.put("quarkus.datasource.reactive.trust-certificate-pem.certs", ca);
        config.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        config.put("quarkus.datasource.jdbc.url", config.get("quarkus.datasource.jdbc.url") + "?sslmode=verify-full&sslrootcert=" + ca);
    }
}
