package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Operator;
import io.eventual.testing.TestCertificates;
import io.eventual.testing.TlsInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;

/**
 * With the broker and the database serving only TLS, eventual works end to end verifying both servers' certificates;
 * a client that does not speak TLS, or does not trust the authority that signed them, gets nowhere.
 */
@QuarkusTest
@QuarkusTestResource(value = TlsInfrastructure.class, restrictToAnnotatedClass = true)
class TlsTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void anOrderCompletesOverVerifiedTlsToBrokerAndDatabase() throws Exception {
        awaitStatus(place(order("tess", "DE", item("SKU-1", 1, "2.00"))), "COMPLETED");

        // The application's own connections (its pool logs in as the functions' role), not just this test's.
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                ResultSet ssl = db.createStatement().executeQuery("""
                        select count(*), count(*) filter (where s.ssl) from pg_stat_activity a join pg_stat_ssl s using (pid)
                        where a.usename = 'eventual_local' and a.backend_type = 'client backend'""")) {
            assertThat(ssl.next()).isTrue();
            assertThat(ssl.getLong(1)).as("the application's connections").isPositive();
            assertThat(ssl.getLong(2)).as("of which encrypted").isEqualTo(ssl.getLong(1));
        }
    }

    @Test
    void clientsWithoutTlsOrTrustingAnotherAuthorityAreRefused() throws Exception {
        Path other = TestCertificates.otherAuthority(Path.of(System.getProperty("test.tls-directory")));
        int port = Integer.getInteger("test.amqp-port");
        Vertx vertx = Vertx.vertx();
        try {
            assertThat(connects(vertx, Operator.options("localhost", port).setSsl(true)
                    .setPemTrustOptions(new PemTrustOptions().addCertPath(System.getProperty("test.tls-ca")))
                    .setHostnameVerificationAlgorithm("HTTPS"))).as("verified TLS").isTrue();
            assertThat(connects(vertx, Operator.options("localhost", port))).as("plain AMQP").isFalse();
            assertThat(connects(vertx, Operator.options("localhost", port).setSsl(true)
                    .setPemTrustOptions(new PemTrustOptions().addCertPath(other.toString())))).as("another CA").isFalse();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        String otherCa = jdbcUrl.replaceAll("sslrootcert=[^&]*", "sslrootcert=" + other);
        assertThatThrownBy(() -> DriverManager.getConnection(otherCa, "postgres", "postgres").close())
                .as("database certificate from an untrusted authority").hasMessageContaining("PKIX");
    }

    private static boolean connects(Vertx vertx, AmqpClientOptions options) throws InterruptedException {
        AmqpClient client = AmqpClient.create(vertx, options.setConnectTimeout(3_000));
        try {
            client.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).close();
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } finally {
            client.close();
        }
    }
}
