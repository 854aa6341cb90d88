package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Every saga ends, even when a participant never answers. Here no payment or shipping function runs: the test
 * answers for payment itself (the screen, the charge), and shipping stays silent.
 */
@QuarkusTest
@TestProfile(StepTimeoutTest.SilentParticipants.class)
@QuarkusTestResource(EmbeddedInfrastructure.class)
class StepTimeoutTest {

    public static class SilentParticipants implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventual.functions", "saga,inventory",
                    "eventual.saga.timeouts.screening", "3s",
                    "eventual.saga.timeouts.payment", "3s",
                    "eventual.saga.timeouts.inventory", "2s",
                    "eventual.saga.timeouts.shipping", "1s",
                    "eventual.saga.compensation-timeout", "1s",
                    "eventual.saga.timeout-check-interval", "100ms");
        }
    }

    @Test
    void aSilentStepIsCompensatedAndTheOrderCancelled() {
        Db db = Db.owner();
        int before = db.integer("select available from inventory_stock where sku = 'SKU-1'");
        String orderId = screened(place(order("gina", "DE", item("SKU-1", 4, "1.00"))));

        publish("payment.processed", paid(orderId));

        JsonPath compensating = awaitStatus(orderId, "COMPENSATING");
        assertThat(compensating.getString("reason")).isEqualTo("shipping timed out after 1s");
        await().atMost(Duration.ofSeconds(10)).until(() -> history(orderId).contains("inventory.released"));
        assertThat(db.integer("select available from inventory_stock where sku = 'SKU-1'")).isEqualTo(before);
        // The refund is not confirmed yet, so it is sent again after the compensation timeout.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> history(orderId).stream().filter("payment.refund"::equals).count() >= 2);

        publish("payment.refunded", "{\"orderId\":\"%s\",\"amount\":{\"amount\":\"4.00\",\"currency\":\"EUR\"}}".formatted(orderId));

        JsonPath cancelled = awaitStatus(orderId, "CANCELLED");
        assertThat(cancelled.getList("history.type", String.class))
                .containsSubsequence("shipping.schedule", "shipping.timeout", "inventory.release", "order.cancelled");
    }

    @Test
    void aPaymentThatSucceedsAfterTheTimeoutIsRefunded() {
        String orderId = screened(place(order("hank", "DE", item("SKU-2", 1, "9.00"))));
        JsonPath cancelled = awaitStatus(orderId, "CANCELLED");
        assertThat(cancelled.getString("reason")).isEqualTo("payment timed out after 3s");

        publish("payment.processed", paid(orderId));

        await().atMost(Duration.ofSeconds(10)).until(() -> history(orderId).contains("payment.refund"));
        assertThat(awaitStatus(orderId, "CANCELLED").getList("history.type", String.class))
                .containsSubsequence("payment.timeout", "order.cancelled", "payment.processed", "payment.refund");
    }

    @Test
    void aReservationThatArrivesAfterItsTimeoutIsReleased() {
        Db db = Db.owner();
        int before = db.integer("select available from inventory_stock where sku = 'SKU-3'");
        String orderId = screened(place(order("jill", "DE", item("SKU-3", 2, "1.00"))));
        admin().post("/admin/functions/inventory/pause").then().statusCode(204);
        try {
            publish("payment.processed", paid(orderId));
            assertThat(awaitStatus(orderId, "COMPENSATING").getString("reason")).isEqualTo("inventory timed out after 2s");
        } finally {
            admin().post("/admin/functions/inventory/resume").then().statusCode(204);
        }
        // Inventory reserves late; the saga, which gave up on that step, has it released.
        await().atMost(Duration.ofSeconds(15)).until(() -> history(orderId).contains("inventory.released"));
        assertThat(history(orderId)).containsSubsequence("inventory.timeout", "inventory.reserved", "inventory.release",
                "inventory.released");
        assertThat(db.integer("select available from inventory_stock where sku = 'SKU-3'")).isEqualTo(before);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return io.restassured.RestAssured.given().auth().preemptive().basic("admin", "admin");
    }

    @Test
    void aSagaThatCannotBeExpiredHoldsBackNoOtherTimeout() {
        Db db = Db.owner();
        // A saga whose history is not JSON: expiring it fails, every time.
        String corrupt = "corrupt-" + UUID.randomUUID();
        db.execute("insert into saga (id, saga, status, step, data, correlation_id, history, created_at, updated_at, version, "
                + "deadline) values ($1, 'order', 'PENDING_PAYMENT', 0, '{}', 'c', 'not json', now(), now(), 1, "
                + "now() - interval '1 second')", corrupt);
        try {
            String orderId = place(order("ivan", "DE", item("SKU-2", 1, "2.00")));
            assertThat(awaitStatus(orderId, "CANCELLED").getString("reason")).isEqualTo("screening timed out after 3s");
            assertThat(db.bool("select deadline > now() from saga where id = $1", corrupt))
                    .as("the corrupt saga set aside for later").isTrue();
        } finally {
            db.execute("delete from saga where id = $1", corrupt);
        }
    }

    /** The order past the fraud screen, answered by the test for payment: it waits for its charge. */
    private static String screened(String orderId) {
        awaitStatus(orderId, "PENDING_SCREENING");
        publish("payment.screened", "{\"orderId\":\"%s\"}".formatted(orderId));
        awaitStatus(orderId, "PENDING_PAYMENT");
        return orderId;
    }

    private static String paid(String orderId) {
        return "{\"orderId\":\"%s\",\"paymentId\":\"p-1\",\"amount\":{\"amount\":\"4.00\",\"currency\":\"EUR\"}}"
                .formatted(orderId);
    }

    private static List<String> history(String orderId) {
        return io.restassured.RestAssured.given().get("/orders/{id}", orderId).jsonPath().getList("history.type", String.class);
    }
}
