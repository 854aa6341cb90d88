package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Stock and credit are administered with catalogued events — from the admin API and, for stock, from a warehouse over
 * AMQP — applied once by the function that owns the data and recorded in the event store.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class StockAndCreditTest {

    @Test
    void aRestockIsAppliedOnceAndRecordedAsTheSkusEvent() {
        String sku = "RESTOCK-" + UUID.randomUUID().toString().substring(0, 8);
        String eventId = admin().contentType("application/json").body("{\"quantity\":5,\"reason\":\"delivery 1\"}")
                .post("/admin/inventory/{sku}/restock", sku).then().statusCode(202)
                .body("type", equalTo("inventory.restock")).body("subject", equalTo("sku:" + sku)).extract().path("id");
        awaitAvailable(sku, 5);

        // the same event again (a redelivery, a warehouse retrying): nothing changes
        Metrics before = Metrics.scrape();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("inventory.restock", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", eventId,
                    "cloudEvents:source", "/eventual/admin", "cloudEvents:type", "inventory.restock"), "application/json",
                    "{\"sku\":\"%s\",\"quantity\":5,\"reason\":\"delivery 1\"}".formatted(sku));
        }
        Db db = Db.owner();
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().since(before, "eventual_events_duplicates_total",
                Map.of("function", "inventory", "type", "inventory.restock")) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from event_store where stream_id = $1 and type = 'inventory.restock'", "sku:" + sku) >= 1);
        assertThat(available(sku)).as("applied once").isEqualTo(5);
        given().get("/orders/{id}", "sku:" + sku).then().statusCode(404);
    }

    @Test
    void aWarehouseRestocksOverAmqpButMayNotSetCreditLimits() {
        String sku = "WAREHOUSE-" + UUID.randomUUID().toString().substring(0, 8);
        try (RawAmqp warehouse = new RawAmqp("producer")) {
            warehouse.send("inventory.restock", Map.of("cloudEvents:specversion", "1.0",
                    "cloudEvents:id", UUID.randomUUID().toString(), "cloudEvents:source", "/warehouse/berlin",
                    "cloudEvents:type", "inventory.restock"), "application/json",
                    "{\"sku\":\"%s\",\"quantity\":12}".formatted(sku));
            assertThat(warehouse.refusedToSend("payment.set-credit-limit")).isTrue();
        }
        awaitAvailable(sku, 12);
    }

    @Test
    void anAdjustmentBelowZeroIsRefusedAndParked() {
        String sku = "ADJUST-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body("{\"quantity\":5}").post("/admin/inventory/{sku}/restock", sku)
                .then().statusCode(202);
        awaitAvailable(sku, 5);
        admin().contentType("application/json").body("{\"delta\":-2,\"reason\":\"broken in transit\"}")
                .post("/admin/inventory/{sku}/adjust", sku).then().statusCode(202);
        awaitAvailable(sku, 3);

        admin().contentType("application/json").body("{\"delta\":-100,\"reason\":\"miscount\"}")
                .post("/admin/inventory/{sku}/adjust", sku).then().statusCode(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> admin().queryParam("type", "inventory.adjust")
                .queryParam("size", 500).get("/admin/dead-letters").jsonPath().getList("items.reason", String.class),
                reasons -> reasons.contains("rejected: would leave " + sku + " with -97 available"));
        assertThat(available(sku)).isEqualTo(3);

        admin().contentType("application/json").body("{\"quantity\":0}").post("/admin/inventory/{sku}/restock", sku)
                .then().statusCode(400).body("field", equalTo("quantity"));
        admin().contentType("application/json").body("{\"delta\":1}").post("/admin/inventory/{sku}/adjust", sku)
                .then().statusCode(400).body("field", equalTo("reason"));
    }

    @Test
    void raisingACreditLimitLetsALargerOrderThrough() {
        String customer = "big-" + UUID.randomUUID().toString().substring(0, 8);
        awaitStatus(place(order(customer, "DE", item("SKU-1", 1, "1500.00"))), "CANCELLED");

        admin().contentType("application/json").body("{\"currency\":\"EUR\",\"limit\":\"2000.00\"}")
                .put("/admin/accounts/{customer}/limit", customer).then().statusCode(202)
                .body("subject", equalTo("customer:" + customer));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().queryParam("customerId", customer)
                .get("/admin/accounts").jsonPath().getList("limit", Float.class), limits -> limits.equals(List.of(2000.0f)));

        awaitStatus(place(order(customer, "DE", item("SKU-1", 1, "1500.00"))), "COMPLETED");
        admin().contentType("application/json").body("{\"currency\":\"XXZ\",\"limit\":\"1\"}")
                .put("/admin/accounts/{customer}/limit", customer).then().statusCode(400).body("field", equalTo("currency"));
    }

    private static void awaitAvailable(String sku, int available) {
        await().atMost(Duration.ofSeconds(10)).until(() -> available(sku) == available);
    }

    private static int available(String sku) {
        return admin().get("/admin/inventory").jsonPath()
                .getList("findAll { it.sku == '" + sku + "' }.available", Integer.class).stream().findFirst().orElse(-1);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
