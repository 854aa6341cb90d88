package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The four ways an order can end, each checked in the functions' own tables. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OrderFlowTest {

    Db db;

    @BeforeEach
    void connect() {
        db = Db.owner();
    }

    @Test
    void aPaidReservedShippedOrderCompletes() {
        int sku1Before = stock("SKU-1");

        String orderId = place(order("alice", "DE", item("SKU-1", 2, "10.50"), item("SKU-2", 1, "5.00")));

        JsonPath order = awaitStatus(orderId, "COMPLETED");
        assertThat(order.getObject("total", BigDecimal.class)).isEqualByComparingTo("26.00");
        assertThat(order.getList("history.type", String.class)).containsExactly(
                "order.placed", "payment.screen", "payment.screened", "payment.process", "payment.processed", "inventory.reserve",
                "inventory.reserved",
                "shipping.schedule", "shipping.scheduled", "order.completed");
        assertThat(charged("alice")).isEqualByComparingTo("26.00");
        assertThat(stock("SKU-1")).isEqualTo(sku1Before - 2);
        assertThat(db.text("select status from shipping_shipment where order_id = $1", orderId)).isEqualTo("SCHEDULED");
    }

    @Test
    void aDeclinedPaymentCancelsTheOrderWithoutReservingStock() {
        int before = stock("SKU-1");

        String orderId = place(order("bob", "DE", item("SKU-1", 1, "1000.01")));

        JsonPath order = awaitStatus(orderId, "CANCELLED");
        assertThat(order.getString("reason")).startsWith("payment failed: insufficient credit");
        assertThat(order.getList("history.type", String.class)).containsExactly(
                "order.placed", "payment.screen", "payment.screened", "payment.process", "payment.failed", "order.cancelled");
        assertThat(db.count("select count(*) from inventory_reservation where order_id = $1", orderId)).isZero();
        assertThat(stock("SKU-1")).isEqualTo(before);
        assertThat(charged("bob")).isEqualByComparingTo("0");
    }

    @Test
    void shortStockRefundsThePaymentAndCancels() {
        String orderId = place(order("carol", "DE", item("RARE", 2, "30.00")));

        JsonPath order = awaitStatus(orderId, "CANCELLED");
        assertThat(order.getString("reason")).contains("inventory failed").contains("RARE");
        assertThat(order.getList("history.type", String.class)).containsExactly(
                "order.placed", "payment.screen", "payment.screened", "payment.process", "payment.processed", "inventory.reserve",
                "inventory.failed",
                "payment.refund", "payment.refunded", "order.cancelled");
        assertThat(charged("carol")).isEqualByComparingTo("0");
        assertThat(db.text("select status from payment where order_id = $1", orderId)).isEqualTo("REFUNDED");
        assertThat(stock("RARE")).isEqualTo(1);
    }

    @Test
    void anUnsupportedCountryReleasesStockAndRefunds() {
        int before = stock("SKU-3");
        int reservedBefore = reserved("SKU-3");

        String orderId = place(order("dave", "BR", item("SKU-3", 3, "7.00")));

        JsonPath order = awaitStatus(orderId, "CANCELLED");
        assertThat(order.getString("reason")).isEqualTo("shipping failed: no shipping to BR");
        assertThat(order.getList("history.type", String.class))
                .startsWith("order.placed", "payment.screen", "payment.screened", "payment.process", "payment.processed",
                        "inventory.reserve",
                        "inventory.reserved", "shipping.schedule", "shipping.failed")
                .contains("inventory.release", "payment.refund", "inventory.released", "payment.refunded")
                .endsWith("order.cancelled");
        assertThat(stock("SKU-3")).isEqualTo(before);
        assertThat(reserved("SKU-3")).as("nothing left reserved for this order").isEqualTo(reservedBefore);
        assertThat(charged("dave")).isEqualByComparingTo("0");
        assertThat(db.text("select status from inventory_reservation where order_id = $1", orderId)).isEqualTo("RELEASED");
    }

    @Test
    void ordersRacingForTheLastUnitsOfPopularSkusNeverOversellAndTakeAllTheirLinesOrNone() {
        String scarce = "RACE-A-" + UUID.randomUUID().toString().substring(0, 8);
        String ample = "RACE-B-" + UUID.randomUUID().toString().substring(0, 8);
        db.execute("insert into inventory_stock (sku, available, reserved, version) values ($1, 5, 0, 0), ($2, 8, 0, 0)", scarce, ample);

        // Twenty orders at once, each for one of both; half name them the other way round.
        List<String> orders = IntStream.range(0, 20).parallel().mapToObj(i -> place(i % 2 == 0
                ? order("racer-" + i, "DE", item(scarce, 1, "1.00"), item(ample, 1, "1.00"))
                : order("racer-" + i, "DE", item(ample, 1, "1.00"), item(scarce, 1, "1.00")))).toList();

        String[] ids = orders.toArray(String[]::new);
        await().atMost(Duration.ofSeconds(60)).until(() -> db.count(
                "select count(*) from saga where id = any($1) and status in ('COMPLETED', 'CANCELLED')", (Object) ids) == 20);
        assertThat(db.count("select count(*) from saga where id = any($1) and status = 'COMPLETED'", (Object) ids))
                .as("as many orders as there were units of the scarce SKU").isEqualTo(5);
        assertThat(db.count("select count(*) from inventory_reservation where order_id = any($1) and status = 'FAILED' and sku = $2",
                ids, scarce)).as("the others failed on the scarce SKU").isEqualTo(15);
        assertThat(stock(scarce)).isZero();
        assertThat(reserved(scarce)).isEqualTo(5);
        assertThat(stock(ample)).as("orders that failed hold none of the ample SKU").isEqualTo(3);
        assertThat(reserved(ample)).isEqualTo(5);
    }

    @Test
    void ordersOfOneCustomerRacingForTheLastOfTheirCreditAreChargedWithinTheLimit() {
        String customer = "spender-" + UUID.randomUUID().toString().substring(0, 8);
        String sku = "CREDIT-RACE-" + UUID.randomUUID().toString().substring(0, 8);
        db.execute("insert into inventory_stock (sku, available, reserved, version) values ($1, 100, 0, 0)", sku);

        // Twenty orders of 100.00 at once against the default limit of 1000.00.
        List<String> orders = IntStream.range(0, 20).parallel()
                .mapToObj(i -> place(order(customer, "DE", item(sku, 1, "100.00")))).toList();

        String[] ids = orders.toArray(String[]::new);
        await().atMost(Duration.ofSeconds(60)).until(() -> db.count(
                "select count(*) from saga where id = any($1) and status in ('COMPLETED', 'CANCELLED')", (Object) ids) == 20);
        assertThat(db.count("select count(*) from saga where id = any($1) and status = 'COMPLETED'", (Object) ids))
                .as("as many orders as the credit covers").isEqualTo(10);
        assertThat(db.count("select count(*) from payment where order_id = any($1) and status = 'DECLINED' "
                + "and reason like 'insufficient credit%'", (Object) ids)).isEqualTo(10);
        assertThat(charged(customer)).isEqualByComparingTo("1000.00");
        assertThat(stock(sku)).isEqualTo(90);
    }

    @Test
    void anUnknownOrderIsNotFound() {
        io.restassured.RestAssured.given().get("/orders/{id}", "no-such-order")
                .then().statusCode(404).contentType("application/problem+json");
    }

    private int reserved(String sku) {
        return db.integer("select reserved from inventory_stock where sku = $1", sku);
    }

    private int stock(String sku) {
        return db.integer("select available from inventory_stock where sku = $1", sku);
    }

    private BigDecimal charged(String customer) {
        BigDecimal charged = db.decimal("select charged from payment_account where customer_id = $1", customer);
        return charged == null ? BigDecimal.ZERO : charged;
    }
}
