package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Orders that do not come through POST /orders: any AMQP 1.0 client, and the CloudEvents HTTP binding. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class PublishingTest {

    static String orderPlaced(String orderId) {
        return """
                {"orderId":"%s","customerId":"erin","currency":"EUR","shippingAddress":{"country":"FR"},
                 "items":[{"sku":"SKU-2","quantity":3,"unitPrice":"2.50"}],"total":"7.50"}""".formatted(orderId);
    }

    @Test
    void anOrderPublishedByAnyAmqpClientCompletes() {
        String orderId = UUID.randomUUID().toString();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("order.placed", Map.of(
                    "cloudEvents:specversion", "1.0",
                    "cloudEvents:id", UUID.randomUUID().toString(),
                    "cloudEvents:source", "/some/other/service",
                    "cloudEvents:type", "order.placed",
                    "cloudEvents:subject", orderId,
                    "cloudEvents:time", Instant.now().toString()), "application/json", orderPlaced(orderId));
        }

        assertThat(awaitStatus(orderId, "COMPLETED").getList("history.type")).endsWith("order.completed");
    }

    @Test
    void aMessageThatIsNotACloudEventBecomesADeadLetterWithItsReason() {
        Db db = Db.owner();
        String marker = UUID.randomUUID().toString();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("order.placed", Map.of("note", marker), "application/json", "{\"truncated\": ");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from dead_letter where consumer = 'saga' and body = '{\"truncated\": '") == 1);
        assertThat(db.text("select reason from dead_letter where body = '{\"truncated\": '")).contains("not a CloudEvent");
    }

    @Test
    void anEventInBinaryHttpModeIsPublished() {
        String orderId = UUID.randomUUID().toString();
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/curl").header("ce-type", "order.placed").header("ce-subject", orderId)
                .contentType("application/json").body(orderPlaced(orderId))
                .when().post("/events")
                .then().statusCode(202);

        awaitStatus(orderId, "COMPLETED");
    }

    @Test
    void anEventInStructuredHttpModeIsPublished() {
        String orderId = UUID.randomUUID().toString();
        given().contentType("application/cloudevents+json")
                .body("""
                        {"specversion":"1.0","id":"%s","source":"/curl","type":"order.placed","subject":"%s",
                         "datacontenttype":"application/json","data":%s}""".formatted(UUID.randomUUID(), orderId,
                        orderPlaced(orderId)))
                .when().post("/events")
                .then().statusCode(202);

        awaitStatus(orderId, "COMPLETED");
    }
}
