package io.eventual;

import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Read-your-writes: a write answers with Eventual-Position; a read of the order view given it as Eventual-Min-Position
 * waits until the view has the write (no polling by the client), or answers after eventual.view.max-wait with how far
 * the view still is behind.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ReadYourWritesTest {

    @Test
    void aReadGivenAWritesPositionSeesTheWriteOrSaysItCouldNot() {
        String customer = "ryw-" + UUID.randomUUID();
        // With the event store stopped the view cannot reach the write: the read answers after the wait, saying so.
        admin().post("/admin/functions/store/pause").then().statusCode(204);
        Response placed;
        try {
            placed = given().contentType(ContentType.JSON).body(order(customer, "DE", item("SKU-1", 1, "2.00")))
                    .post("/orders").then().statusCode(202).header("Eventual-Position", matchesPattern("1\\.[A-Za-z0-9_-]+"))
                    .extract().response();
            given().header("Eventual-Min-Position", placed.header("Eventual-Position")).queryParam("customerId", customer)
                    .get("/orders").then().statusCode(200).header("Eventual-Position-Reached", "false")
                    .header("Eventual-View-Lag", matchesPattern("events=\\d+, seconds=[0-9.]+"))
                    .body("items", org.hamcrest.Matchers.empty());
        } finally {
            admin().post("/admin/functions/store/resume").then().statusCode(204);
        }
        String position = placed.header("Eventual-Position");
        String orderId = placed.path("orderId");

        // One request each, no retries: the read itself waits for the write.
        given().header("Eventual-Min-Position", position).queryParam("customerId", customer).get("/orders").then()
                .statusCode(200).header("Eventual-Position-Reached", "true").body("items.orderId", org.hamcrest.Matchers.contains(orderId));
        given().header("Eventual-Min-Position", position).get("/orders/{id}", orderId).then().statusCode(200)
                .header("Eventual-Position-Reached", "true").body("orderId", equalTo(orderId));
        given().get("/orders/{id}", orderId).then().statusCode(200).header("Eventual-Position-Reached", (String) null);
    }

    @Test
    void everyWriteThatPublishesAnswersWithItsPosition() {
        String key = UUID.randomUUID().toString();
        var body = order("ryw-" + key, "DE", item("SKU-1", 1, "2.00"));
        String first = given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/orders")
                .then().statusCode(202).extract().header("Eventual-Position");
        assertThat(given().header("Idempotency-Key", key).contentType(ContentType.JSON).body(body).post("/orders")
                .then().statusCode(202).extract().header("Eventual-Position")).as("a retry answers the first write's").isEqualTo(first);
        admin().contentType(ContentType.JSON).body("{\"quantity\":1,\"reason\":\"ryw\"}")
                .post("/admin/inventory/{sku}/restock", "RYW-1").then().statusCode(202)
                .header("Eventual-Position", matchesPattern("1\\..+"));
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString()).header("ce-source", "/test")
                .header("ce-type", "inventory.restock").contentType("application/json")
                .body("{\"sku\":\"RYW-1\",\"quantity\":1,\"reason\":\"ryw\"}").auth().preemptive().basic("admin", "admin")
                .post("/events").then().statusCode(202).header("Eventual-Position", matchesPattern("1\\..+"));
    }

    @Test
    void aPositionThisApiDidNotIssueIsRefused() {
        for (String forged : new String[] { "garbage", "1.!!!",
                "1." + java.util.Base64.getUrlEncoder().encodeToString("no.such.type x".getBytes()) }) {
            given().header("Eventual-Min-Position", forged).get("/orders").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("Eventual-Min-Position"));
        }
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
