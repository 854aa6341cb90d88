package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Node;
import io.eventual.testing.RefusedParks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The operator console in a real browser (Debian's chromium, driven by playwright-core from npm): find orders, open
 * one, redrive and discard dead letters by clicking, pause and resume a function, restock a SKU, at 1280 px and at
 * phone width.
 * Screenshots land in target/console/.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ConsoleBrowserTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void anOperatorWorksThroughTheConsole() throws Exception {
        assertThat(Path.of(System.getProperty("console.chromium", "/usr/bin/chromium")))
                .as("Debian's chromium is needed: apt-get install chromium (.ci/run installs it)").exists();
        String customer = "console-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {
            awaitStatus(place(order(customer, "DE", item("SKU-1", 1, "2.00"))), "COMPLETED");
        }
        // A payment for an order not placed yet is parked; once the order exists (and is declined), redriving the
        // payment resolves it (the saga refunds a late success): the dead letter is gone for good.
        String lateOrder = UUID.randomUUID().toString();
        awaitDeadLetter(publish("payment.processed", """
                {"orderId":"%s","paymentId":"p","amount":{"amount":"2.00","currency":"EUR"}}""".formatted(lateOrder)));
        publish("order.placed", """
                {"orderId":"%s","customerId":"broke","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","name":"Mug","quantity":1,"unitPrice":"2.00"}],"total":"2.00"}""".formatted(lateOrder));
        awaitStatus(lateOrder, "CANCELLED");
        String junkOrder = UUID.randomUUID().toString();
        awaitDeadLetter(publish("shipping.scheduled", """
                {"orderId":"%s","shipmentId":"s","estimatedDelivery":"2030-01-01"}""".formatted(junkOrder)));

        // A failure group the console discards whole: replies for orders the saga does not know.
        List<String> grouped = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            grouped.add(publish("inventory.reserved", """
                    {"orderId":"%s","items":[{"sku":"SKU-1","quantity":1}]}""".formatted(UUID.randomUUID())));
        }
        grouped.forEach(ConsoleBrowserTest::awaitDeadLetter);

        // A message the database refused to park is in the broker's own dead letters until the console redrives it.
        String brokerOrder = UUID.randomUUID().toString();
        try (RefusedParks refused = RefusedParks.of(jdbcUrl, brokerOrder)) {
            publish("payment.refund", """
                    {"orderId":"%s","reason":42}""".formatted(brokerOrder));
            await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().preemptive().basic("admin", "admin")
                    .get("/admin/broker-dead-letters").jsonPath().getList("attributes.'cloudEvents:subject'").contains(brokerOrder));
        }

        Path screenshots = Files.createDirectories(Path.of("target/console").toAbsolutePath());
        Node.Run run = Node.node(Path.of("src/test/console"), null, Map.of("BASE_URL", "http://localhost:" + port,
                "ADMIN_USER", "admin", "ADMIN_PASSWORD", "admin", "CUSTOMER", customer, "DEAD_ORDER", lateOrder,
                "JUNK_ORDER", junkOrder, "BROKER_ORDER", brokerOrder, "SKU", "CONSOLE-" + customer, "SCREENSHOTS", screenshots.toString(),
                "CHROMIUM", System.getProperty("console.chromium", "/usr/bin/chromium")), "console-check.mjs");

        assertThat(run.output()).as(run.output()).contains("console check: OK");
        assertThat(run.exit()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/orders/{id}", lateOrder).jsonPath()
                .getList("history.type").contains("payment.refund"));
        assertThat(given().auth().preemptive().basic("admin", "admin").get("/admin/dead-letters/groups").jsonPath()
                .getList("findAll { it.consumer == 'saga' && it.eventType == 'inventory.reserved' }")).as("discarded whole").isEmpty();
        assertThat(screenshots.resolve("orders-1280.png")).exists();
        assertThat(screenshots.resolve("dead-letters-390.png")).exists();
    }

    private static void awaitDeadLetter(String eventId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> given().auth().preemptive().basic("admin", "admin")
                .queryParam("size", 500).get("/admin/dead-letters").jsonPath()
                .getList("items.findAll { it.eventId == '" + eventId + "' }").size() == 1);
    }
}
