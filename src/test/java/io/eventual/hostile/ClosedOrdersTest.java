package io.eventual.hostile;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With {@code eventual.producers.anonymous-orders=false}, placing an order needs the producer token or the admin's credentials. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
@TestProfile(ClosedOrdersTest.NoAnonymousOrders.class)
class ClosedOrdersTest {

    public static class NoAnonymousOrders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventual.producers.anonymous-orders", "false");
        }
    }

    @Test
    void anAnonymousOrderIsRefusedOverBothEntries() {
        String refusal = "publishing order.placed needs a producer token (eventual.producers.tokens) or the admin's "
                + "credentials (eventual.producers.anonymous-orders is off)";
        given().contentType(ContentType.JSON).body(order("anon", "DE", item("SKU-1", 1, "1.00"))).post("/orders")
                .then().statusCode(401).contentType("application/problem+json").body("detail", equalTo(refusal));
        String orderId = UUID.randomUUID().toString();
        HttpAuthorizationTest.binary("order.placed", """
                {"orderId":"%s","customerId":"anon","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","quantity":1,"unitPrice":"1.00"}],"total":"1.00"}""".formatted(orderId))
                .post("/events").then().statusCode(401).body("detail", equalTo(refusal));
        String placed = given().header("Authorization", "Bearer producer").contentType(ContentType.JSON)
                .body(order("shop", "DE", item("SKU-1", 1, "1.00"))).post("/orders").then().statusCode(202)
                .extract().path("orderId");
        awaitStatus(placed, "COMPLETED");
        given().get("/orders/{id}", orderId).then().statusCode(404);
    }
}
