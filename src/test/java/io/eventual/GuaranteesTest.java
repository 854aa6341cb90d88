package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Duplicates have no second effect, stale replies never move a saga backwards, retried requests place one order. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class GuaranteesTest {

    Db db;

    @BeforeEach
    void connect() {
        db = Db.owner();
    }

    @Test
    void theSameEventDeliveredTwiceChargesOnce() {
        String orderId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        String charge = "{\"orderId\":\"%s\",\"customerId\":\"ivan\",\"amount\":{\"amount\":\"40.00\",\"currency\":\"EUR\"}}"
                .formatted(orderId);
        Map<String, Object> attributes = Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", eventId,
                "cloudEvents:source", "/test", "cloudEvents:type", "payment.process");
        Metrics before = Metrics.scrape();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("payment.process", attributes, "application/json", charge);
            amqp.send("payment.process", attributes, "application/json", charge);
        }
        // A second command for the same order, with a new id, is answered from the ledger, not charged again.
        String again = publish("payment.process", charge);

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from processed_event "
                + "where consumer = 'payment' and event_id in ($1, $2)", eventId, again) == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().since(before, "eventual_events_duplicates_total",
                Map.of("function", "payment", "type", "payment.process")) == 1);
        assertThat(db.count("select count(*) from payment where order_id = $1", orderId)).isEqualTo(1);
        assertThat(db.decimal("select charged from payment_account where customer_id = 'ivan'")).isEqualByComparingTo("40.00");
    }

    @Test
    void theSameIdFromTwoSourcesIsTwoEventsAndTheSameSourceAndIdOne() {
        String sku = "SOURCES-" + UUID.randomUUID().toString().substring(0, 8);
        String id = UUID.randomUUID().toString();
        String restock = "{\"sku\":\"%s\",\"quantity\":3,\"reason\":\"delivery\"}".formatted(sku);
        Metrics before = Metrics.scrape();
        try (RawAmqp warehouses = new RawAmqp("producer")) {
            for (String source : List.of("/warehouse/berlin", "/warehouse/lyon", "/warehouse/berlin")) {
                warehouses.send("inventory.restock", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", id,
                        "cloudEvents:source", source, "cloudEvents:type", "inventory.restock", "cloudEvents:subject",
                        "sku:" + sku), "application/json", restock);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.scrape().since(before, "eventual_events_duplicates_total",
                Map.of("function", "inventory", "type", "inventory.restock")) == 1);
        assertThat(db.integer("select available from inventory_stock where sku = $1", sku)).as("two restocks of 3").isEqualTo(6);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from event_store where stream_id = $1 and event_id = $2", "sku:" + sku, id) == 2);
    }

    @Test
    void aHandlerThatKeepsFailingIsRetriedThenParkedWithItsAttempts() throws Exception {
        String orderId = UUID.randomUUID().toString();
        // The payment table refuses this order's charge, every time (not an outage: nothing to wait out).
        try (var refused = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres").createStatement()) {
            refused.execute("""
                    create function refuse_charge() returns trigger language plpgsql as $$
                    begin if new.order_id = '%s' then raise exception 'charge refused by GuaranteesTest'; end if; return new; end $$;
                    create trigger refuse_charge before insert on payment for each row execute function refuse_charge()"""
                    .formatted(orderId));
        }
        try {
            Metrics before = Metrics.scrape();
            String charge = publish("payment.process",
                    "{\"orderId\":\"%s\",\"customerId\":\"lea\",\"amount\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}"
                            .formatted(orderId));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> db.count("select count(*) from dead_letter where event_id = $1", charge) == 1);
            assertThat(db.integer("select attempts from dead_letter where event_id = $1", charge)).as("eventual.retry.attempts")
                    .isEqualTo(5);
            assertThat(db.text("select reason from dead_letter where event_id = $1", charge)).contains("charge refused by GuaranteesTest");
            Metrics after = Metrics.scrape();
            assertThat(after.since(before, "eventual_events_retried_total", Map.of("function", "payment", "type", "payment.process")))
                    .as("attempts after the first").isEqualTo(4);
            assertThat(after.since(before, "eventual_events_dead_lettered_total", Map.of("function", "payment", "why", "exhausted")))
                    .isEqualTo(1);
        } finally {
            try (var owner = java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "postgres").createStatement()) {
                owner.execute("drop trigger refuse_charge on payment; drop function refuse_charge()");
            }
        }
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void aRepeatedReservationIsAnsweredFromTheFirstAndAReleaseBeforeItVoidsIt() {
        String sku = "G-" + UUID.randomUUID();
        db.execute("insert into inventory_stock (sku, available, reserved, version) values ($1, 5, 0, 0)", sku);
        String reserve = "{\"orderId\":\"%s\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":2}]}";
        String held = UUID.randomUUID().toString();

        assertThat(answer(publish("inventory.reserve", reserve.formatted(held)))).isEqualTo("inventory.reserved");
        // The same command again, under a new id: answered from the reservation, nothing taken twice.
        assertThat(answer(publish("inventory.reserve", reserve.formatted(held)))).isEqualTo("inventory.reserved");
        assertThat(db.integer("select available from inventory_stock where sku = $1", sku)).isEqualTo(3);
        assertThat(db.integer("select reserved from inventory_stock where sku = $1", sku)).isEqualTo(2);

        // An order released before its reservation arrives (a step timed out) is refused the stock later.
        String cancelled = UUID.randomUUID().toString();
        assertThat(answer(publish("inventory.release", "{\"orderId\":\"%s\",\"reason\":\"timed out\"}"
                .formatted(cancelled)))).isEqualTo("inventory.released");
        assertThat(answer(publish("inventory.reserve", reserve.formatted(cancelled)))).isEqualTo("inventory.failed");
        assertThat(db.integer("select available from inventory_stock where sku = $1", sku)).isEqualTo(3);
    }

    /** The type of the event the function answered {@code commandId} with, once the store has recorded it. */
    private String answer(String commandId) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> db.text("select type from event_store where causation_id = $1", commandId), Objects::nonNull);
    }

    @Test
    void aStaleReplyNeverMovesASagaBackwards() {
        String orderId = place(order("judy", "DE", item("SKU-1", 1, "3.00")));
        int steps = awaitStatus(orderId, "COMPLETED").getList("history").size();

        publish("payment.processed", "{\"orderId\":\"%s\",\"paymentId\":\"p\",\"amount\":{\"amount\":\"3.00\",\"currency\":\"EUR\"}}"
                .formatted(orderId));
        publish("inventory.failed", "{\"orderId\":\"%s\",\"sku\":\"SKU-1\",\"reason\":\"late\"}".formatted(orderId));
        String marker = publish("shipping.failed", "{\"orderId\":\"%s\",\"reason\":\"late\"}".formatted(orderId));

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'saga' and event_id = $1", marker) == 1);
        var order = awaitStatus(orderId, "COMPLETED");
        assertThat(order.getList("history")).hasSize(steps);
        assertThat(db.decimal("select charged from payment_account where customer_id = 'judy'")).isEqualByComparingTo("3.00");
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyPlacesOneOrder() {
        String key = UUID.randomUUID().toString();
        String body = "{\"customerId\":\"kim\",\"currency\":\"EUR\",\"shippingAddress\":{\"country\":\"DE\"},"
                + "\"items\":[{\"sku\":\"SKU-2\",\"quantity\":1,\"unitPrice\":\"4.00\"}]}";

        String first = given().header("Idempotency-Key", key).contentType("application/json").body(body)
                .post("/orders").then().statusCode(202).extract().path("orderId");
        String second = given().header("Idempotency-Key", key).contentType("application/json").body(body)
                .post("/orders").then().statusCode(202).extract().path("orderId");

        assertThat(second).isEqualTo(first);
        awaitStatus(first, "COMPLETED");
        assertThat(db.count("select count(*) from payment where customer_id = 'kim'")).isEqualTo(1);
        given().header("Idempotency-Key", key).contentType("application/json").body(body.replace("4.00", "5.00"))
                .post("/orders").then().statusCode(422).contentType("application/problem+json");
    }
}
