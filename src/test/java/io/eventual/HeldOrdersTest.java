package io.eventual;

import static io.eventual.testing.Events.publish;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Per-order parking: once the payment function gives up on an order's charge, the order's refund waits behind it
 * instead of being applied around it (which would void a payment that is then never charged, or charge one that was
 * refunded); other orders go on. Redriving the charge lets both go, in order; discarding it lets the refund go alone.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class HeldOrdersTest {

    final String poisoned = "held-" + UUID.randomUUID();
    final String customer = "held-" + UUID.randomUUID();

    /** A fault that hits this order's charge alone: the payment function cannot write its payment row. */
    @BeforeEach
    void poison() {
        Db.owner().execute("create or replace function test_poison() returns trigger language plpgsql as $$ begin "
                + "if new.order_id like 'held-%' then raise exception 'poisoned order %', new.order_id; end if; "
                + "return new; end $$");
        Db.owner().execute("create trigger test_poison before insert on payment for each row execute function test_poison()");
    }

    @AfterEach
    void cure() {
        Db.owner().execute("drop trigger if exists test_poison on payment");
    }

    @Test
    void laterEventsWaitBehindTheDeadLetterAndFollowItWhenItIsRedriven() {
        publish("payment.process", charge(poisoned, customer, "5.00"));
        Map<String, Object> charge = awaitLetter(poisoned, "payment.process");
        assertThat(charge).containsEntry("reasonClass", "exhausted");

        publish("payment.refund", refund(poisoned));
        Map<String, Object> refund = awaitLetter(poisoned, "payment.refund");
        assertThat(refund).containsEntry("reasonClass", "held")
                .containsEntry("reason", "held behind dead letter " + charge.get("id"));
        assertThat(Db.owner().count("select count(*) from payment where order_id = $1", poisoned))
                .as("the refund was not applied around the charge").isZero();

        String other = "flows-" + UUID.randomUUID();
        publish("payment.process", charge(other, "flows-" + customer, "1.00"));
        await().atMost(Duration.ofSeconds(15)).until(() -> "CHARGED".equals(status(other)));

        admin().post("/admin/dead-letters/{id}/redrive", refund.get("id")).then().statusCode(409)
                .contentType("application/problem+json");

        cure();
        admin().post("/admin/dead-letters/{id}/redrive", charge.get("id")).then().statusCode(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> "REFUNDED".equals(status(poisoned)));
        assertThat(Db.owner().decimal("select charged from payment_account where customer_id = $1", customer))
                .as("charged, then refunded: nothing owed").isZero();
        admin().get("/admin/dead-letters/{id}", charge.get("id")).then().statusCode(404);
        admin().get("/admin/dead-letters/{id}", refund.get("id")).then().statusCode(404);
    }

    @Test
    void discardingTheDeadLetterLetsTheHeldEventsGoWithoutIt() {
        publish("payment.process", charge(poisoned, customer, "5.00"));
        Map<String, Object> charge = awaitLetter(poisoned, "payment.process");
        publish("payment.refund", refund(poisoned));
        Map<String, Object> refund = awaitLetter(poisoned, "payment.refund");
        assertThat(refund).containsEntry("reasonClass", "held");

        cure();
        admin().delete("/admin/dead-letters/{id}", charge.get("id")).then().statusCode(204);
        await().atMost(Duration.ofSeconds(15)).until(() -> "VOIDED".equals(status(poisoned)));
        admin().get("/admin/dead-letters/{id}", refund.get("id")).then().statusCode(404);
    }

    private static String status(String orderId) {
        return Db.owner().text("select status from payment where order_id = $1", orderId);
    }

    private static String charge(String orderId, String customer, String amount) {
        return """
                {"orderId":"%s","customerId":"%s","amount":{"amount":"%s","currency":"EUR"}}""".formatted(orderId, customer, amount);
    }

    private static String refund(String orderId) {
        return "{\"orderId\":\"%s\",\"reason\":\"order cancelled\"}".formatted(orderId);
    }

    private static Map<String, Object> awaitLetter(String orderId, String type) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> admin().queryParam("consumer", "payment")
                .queryParam("type", type).queryParam("size", 500).get("/admin/dead-letters").jsonPath()
                .<Map<String, Object>> getList("items").stream().filter(l -> orderId.equals(l.get("subject"))).findFirst()
                .orElse(null), letter -> letter != null);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
