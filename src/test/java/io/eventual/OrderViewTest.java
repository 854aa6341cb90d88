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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The order view follows the store, answers lists with filters and pages, and rebuilds to the same content. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OrderViewTest {

    @Test
    void theViewListsOrdersByStatusAndCustomerAndRebuildsToTheSameContent() {
        List<String> completed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            completed.add(place(order("nina", "DE", item("SKU-3", 1, "1.00"))));
        }
        String declined = place(order("nina", "DE", item("SKU-3", 1, "5000.00")));
        String unshippable = place(order("nina", "BR", item("SKU-3", 1, "1.00")));
        completed.forEach(id -> awaitStatus(id, "COMPLETED"));
        awaitStatus(declined, "CANCELLED");
        awaitStatus(unshippable, "CANCELLED");

        await().atMost(Duration.ofSeconds(10)).until(() -> list(Map.of("customerId", "nina")).getLong("total") == 5
                && list(Map.of("customerId", "nina", "status", "CANCELLED")).getLong("total") == 2);
        JsonPath done = list(Map.of("customerId", "nina", "status", "COMPLETED"));
        assertThat(done.getList("items.orderId", String.class)).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(done.getList("items.total", Float.class)).containsOnly(1.0f);
        assertThat(list(Map.of("customerId", "nina", "status", "CANCELLED")).getList("items.reason", String.class))
                .anyMatch(r -> r.startsWith("payment failed")).anyMatch(r -> r.startsWith("shipping failed"));

        JsonPath firstPage = list(Map.of("customerId", "nina", "size", 2, "sort", "oldest"));
        JsonPath secondPage = list(Map.of("customerId", "nina", "size", 2, "page", 1, "sort", "oldest"));
        assertThat(firstPage.getList("items.orderId")).hasSize(2).doesNotContainAnyElementsOf(secondPage.getList("items.orderId"));
        assertThat(firstPage.getList("items.orderId").get(0)).isEqualTo(completed.get(0));

        await().atMost(Duration.ofSeconds(10)).until(() -> given().auth().preemptive().basic("admin", "admin")
                .get("/admin/projections/orders").jsonPath().getLong("events") == 0);
        List<Object> live = list(Map.of("size", 500)).getList("items");

        // Damage the view first, so that a rebuild that did nothing cannot pass: one order wrong, one gone.
        Db db = Db.owner();
        db.execute("update order_view set status = 'CANCELLED', total = 0, customer_id = 'mallory' where order_id = $1", completed.get(1));
        db.execute("delete from order_view where order_id = $1", declined);
        assertThat(list(Map.of("size", 500)).getList("items")).isNotEqualTo(live);

        given().auth().preemptive().basic("admin", "admin").post("/admin/projections/orders/rebuild").then().statusCode(200);

        assertThat(list(Map.of("size", 500)).getList("items")).isEqualTo(live);
    }

    @Test
    void aRebuildKeepsTheOrdersWhoseEventsLeftWithTheirMonth() {
        String orderId = place(order("olaf", "DE", item("SKU-3", 1, "4.00")));
        awaitStatus(orderId, "COMPLETED");
        // The view has the order as ended (it folds the order's events a moment after the saga ends).
        await().atMost(Duration.ofSeconds(10)).until(() -> "COMPLETED".equals(list(Map.of("customerId", "olaf"))
                .getString("items.find { it.orderId == '" + orderId + "' }.status")));
        // What retention leaves of an order after 13 months: its saga and its events are gone, its view row remains.
        Db db = Db.owner();
        db.execute("delete from saga where id = $1", orderId);
        db.execute("delete from event_store where stream_id = $1", orderId);
        db.execute("delete from event_stream where stream_id = $1", orderId);
        given().get("/orders/{id}", orderId).then().statusCode(200).body("purged", equalTo(true));

        given().auth().preemptive().basic("admin", "admin").post("/admin/projections/orders/rebuild").then().statusCode(200);

        given().get("/orders/{id}", orderId).then().statusCode(200).body("purged", equalTo(true))
                .body("status", equalTo("COMPLETED")).body("total", equalTo(4.0f)).body("customerId", equalTo("olaf"));
    }

    private static JsonPath list(Map<String, Object> query) {
        return given().queryParams(query).get("/orders").then().statusCode(200).extract().jsonPath();
    }
}
