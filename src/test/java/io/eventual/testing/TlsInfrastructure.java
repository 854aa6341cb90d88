package io.eventual.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventual.local.LocalInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The embedded broker and database serving only TLS, with a certificate authority made for the run; the application
 * configured as in production: AMQPS verifying the broker's certificate and host, PostgreSQL with sslmode=verify-full.
 */
public class TlsInfrastructure implements QuarkusTestResourceLifecycleManager {

    private LocalInfrastructure infrastructure;

    @Override
    public Map<String, String> start() {
        try {
            Path directory = Files.createTempDirectory("eventual-tls-test");
            TestCertificates certificates = TestCertificates.create(directory.resolve("certificates"));
            infrastructure = LocalInfrastructure.start(directory, 0, 0, certificates.server());
            String ca = certificates.caCertificate().toAbsolutePath().toString();
            Map<String, String> config = new LinkedHashMap<>(infrastructure.config());
            config.put("eventual.broker.tls.enabled", "true");
            config.put("eventual.broker.tls.trust-certs", ca);
            config.put("quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full");
            config.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
            config.put("quarkus.datasource.reactive.trust-certificate-pem.certs", ca);
            config.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
            config.put("quarkus.datasource.jdbc.url", config.get("quarkus.datasource.jdbc.url") + "?sslmode=verify-full&sslrootcert=" + ca);
            System.setProperty("test.amqp-port", Integer.toString(infrastructure.amqpPort()));
            System.setProperty("test.tls-ca", ca);
            System.setProperty("test.tls-directory", directory.toString());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded broker and database with TLS", e);
        }
    }

    @Override
    public void stop() {
        try {
            infrastructure.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
