package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.eventual.testing.Orders.awaitStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Dead letters can be listed, redriven to their consumer and discarded, by an authenticated admin only. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class DeadLetterAdminTest {

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }

    @Test
    void theAdminApiNeedsCredentials() {
        given().get("/admin/dead-letters").then().statusCode(401).contentType("application/problem+json");
        given().auth().preemptive().basic("admin", "wrong").get("/admin/dead-letters").then().statusCode(401);
        given().header("Authorization", "Bearer guess").get("/admin/dead-letters").then().statusCode(401);
        admin().get("/admin/dead-letters").then().statusCode(200);
        admin().queryParam("size", 0).get("/admin/dead-letters").then().statusCode(400).body("field", equalTo("size"));
    }

    @Test
    void aRedrivenDeadLetterReachesItsConsumerAgain() {
        String orderId = UUID.randomUUID().toString();
        // A reply for an order the saga does not know yet is parked...
        String replyId = publish("payment.processed", paid(orderId));
        long id = awaitDeadLetter(replyId);
        admin().get("/admin/dead-letters/{id}", id).then().statusCode(200)
                .body("consumer", equalTo("saga")).body("eventType", equalTo("payment.processed"))
                .body("reason", equalTo("rejected: no order " + orderId)).body("attributes.subject", equalTo(orderId));

        // ...then the order appears and is declined (this customer has no credit)...
        publish("order.placed", """
                {"orderId":"%s","customerId":"broke","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","quantity":1,"unitPrice":"2.00"}],"total":"2.00"}""".formatted(orderId));
        awaitStatus(orderId, "CANCELLED");

        // ...so the redriven payment is a late success, which the saga refunds.
        admin().post("/admin/dead-letters/{id}/redrive", id).then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/orders/{id}", orderId).jsonPath()
                .getList("history.type").contains("payment.refund"));
        admin().get("/admin/dead-letters/{id}", id).then().statusCode(404);
        admin().post("/admin/dead-letters/{id}/redrive", id).then().statusCode(404);
    }

    @Test
    void deadLettersAreFilteredPagedAndDiscarded() {
        String type = "shipping.scheduled";
        for (int i = 0; i < 3; i++) {
            awaitDeadLetter(publish(type, "{\"orderId\":\"%s\",\"shipmentId\":\"s\",\"estimatedDelivery\":\"2030-01-01\"}"
                    .formatted(UUID.randomUUID())));
        }

        var page = admin().queryParam("consumer", "saga").queryParam("type", type).queryParam("size", 2)
                .get("/admin/dead-letters").then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items")).hasSize(2);
        assertThat(page.getLong("total")).isGreaterThanOrEqualTo(3);
        assertThat(page.getList("items.eventType", String.class)).containsOnly(type);
        assertThat(admin().queryParam("type", "no.such.type").get("/admin/dead-letters").jsonPath().getLong("total")).isZero();

        long id = page.getLong("items[0].id");
        admin().delete("/admin/dead-letters/{id}", id).then().statusCode(204);
        admin().get("/admin/dead-letters/{id}", id).then().statusCode(404);
    }

    private static long awaitDeadLetter(String eventId) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> admin().queryParam("size", 500)
                .get("/admin/dead-letters").jsonPath().getList("items.findAll { it.eventId == '" + eventId + "' }.id", Long.class),
                ids -> ids.size() == 1).get(0);
    }

    private static String paid(String orderId) {
        return "{\"orderId\":\"%s\",\"paymentId\":\"p\",\"amount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"}}".formatted(orderId);
    }
}
