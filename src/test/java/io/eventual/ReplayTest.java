package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Replaying one function from a point in time: recorded events go to its queue again; its inbox skips what it applied,
 * unless the replay re-applies them for a function whose state was rebuilt.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ReplayTest {

    @Test
    void aReplaySkipsWhatWasAppliedAndReappliesWhenAsked() {
        Instant since = Instant.now().minusSeconds(1);
        String sku = "REPLAY-" + since.toEpochMilli();
        admin().contentType("application/json").body("{\"quantity\":5,\"reason\":\"replay test\"}")
                .post("/admin/inventory/{sku}/restock", sku).then().statusCode(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Db.owner().count("select count(*) from inventory_stock where sku = $1", sku) == 1);
        String orderId = place(order("replay-" + since.toEpochMilli(), "DE", item(sku, 1, "3.00")));
        awaitStatus(orderId, "COMPLETED");
        // The shipping function lost its state (restored from an old backup, say): the shipment is gone.
        Db.owner().execute("delete from shipping_shipment where order_id = $1", orderId);

        double duplicates = duplicates();
        JsonPath skipped = awaitDone(replay(since, "skip-applied"));
        assertThat(skipped.getLong("total")).isGreaterThanOrEqualTo(1);
        assertThat(skipped.getLong("done")).isEqualTo(skipped.getLong("total"));
        await().atMost(Duration.ofSeconds(10)).until(() -> duplicates() >= duplicates + skipped.getLong("done"));
        assertThat(shipments(orderId)).as("applied before: skipped").isZero();

        awaitDone(replay(since, "reapply"));
        await().atMost(Duration.ofSeconds(10)).until(() -> shipments(orderId) == 1);
        assertThat(awaitStatus(orderId, "COMPLETED").getString("status")).as("the saga ignores the repeated reply")
                .isEqualTo("COMPLETED");
    }

    /**
     * A replay is fixed when it starts: what commits meanwhile (here an event whose transaction was open at the start,
     * below events that had committed) is neither counted nor delivered.
     */
    @Test
    void aReplayDeliversWhatItCountedAtItsStart() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        awaitStatus(place(order("replay-before-" + since.toEpochMilli(), "DE", item("SKU-1", 1, "2.00"))), "COMPLETED");
        String late = "replay-late-" + since.toEpochMilli();
        try (Connection writer = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            writer.setAutoCommit(false);
            try (Statement open = writer.createStatement()) {
                open.execute("insert into event_store (stream_id, version, event_id, type, schema_version, source, time, data) "
                        + "values ('" + late + "', 1, '" + late + "', 'shipping.schedule', 1, '/test', now(), "
                        + "'{\"orderId\":\"" + late + "\"}')");
            }
            awaitStatus(place(order("replay-after-" + since.toEpochMilli(), "DE", item("SKU-1", 1, "2.00"))), "COMPLETED");
            // One event a second: the open transaction commits while the replay is still on its first event.
            String location = admin().contentType("application/json").body(Map.of("function", "shipping", "types",
                    new String[] { "shipping.schedule" }, "since", since.toString(), "rate", 1))
                    .post("/admin/replays").then().statusCode(202).extract().header("Location");
            writer.commit();
            JsonPath job = awaitDone(location);
            assertThat(job.getLong("done")).as("delivered of counted").isEqualTo(job.getLong("total"));
        }
        assertThat(Db.owner().count("select count(*) from processed_event where event_id = $1", late))
                .as("the late event was not replayed").isZero();
    }

    @Test
    void aReplayRequestIsChecked() {
        String since = Instant.now().toString();
        admin().contentType("application/json").body(Map.of("function", "nobody", "types", new String[] { "shipping.schedule" },
                "since", since)).post("/admin/replays").then().statusCode(400).body("field", equalTo("function"));
        admin().contentType("application/json").body(Map.of("function", "shipping", "types", new String[] { "payment.process" },
                "since", since)).post("/admin/replays").then().statusCode(400).body("field", equalTo("types[0]"));
        admin().contentType("application/json").body(Map.of("function", "shipping", "types", new String[] { "shipping.schedule" }))
                .post("/admin/replays").then().statusCode(400).body("field", equalTo("since"));
        admin().contentType("application/json").body(Map.of("function", "shipping", "types", new String[] { "shipping.schedule" },
                "since", since, "mode", "sometimes")).post("/admin/replays").then().statusCode(400).body("field", equalTo("mode"));
        given().contentType("application/json").body(Map.of("function", "shipping", "types", new String[] { "shipping.schedule" },
                "since", since)).post("/admin/replays").then().statusCode(401);
    }

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String replay(Instant since, String mode) {
        return admin().contentType("application/json").body(Map.of("function", "shipping", "types",
                new String[] { "shipping.schedule" }, "since", since.toString(), "mode", mode))
                .post("/admin/replays").then().statusCode(202).body("kind", equalTo("replay")).extract().header("Location");
    }

    private static JsonPath awaitDone(String location) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> admin().get(location).then().statusCode(200).extract()
                .jsonPath(), job -> "DONE".equals(job.getString("state")));
    }

    private static long shipments(String orderId) {
        return Db.owner().count("select count(*) from shipping_shipment where order_id = $1", orderId);
    }

    private static double duplicates() {
        return Metrics.scrape().value("eventual_events_duplicates_total", Map.of("function", "shipping", "type", "shipping.schedule"));
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
