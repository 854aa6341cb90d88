package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** What the operator console stands on: the page behind the admin credentials, system figures, the broker's queues. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class ConsoleApiTest {

    @Test
    void theConsoleIsBehindTheAdminCredentials() {
        given().get("/console").then().statusCode(401).header("WWW-Authenticate", containsString("Basic"));
        admin().get("/console").then().statusCode(200).contentType("text/html").body(containsString("eventual · console"));
        // An event an hour old waits in the outbox of a process that is alive elsewhere: nobody here publishes it.
        Db db = Db.owner();
        String owner = "saga@elsewhere-" + UUID.randomUUID();
        db.execute("insert into outbox_lease (owner, expires_at) values ($1, now() + interval '1 hour')", owner);
        db.execute("insert into outbox (owner, event_id, type, subject, attributes, data, created_at) values "
                + "($1, $2, 'order.cancelled', 'o', '{}', '{}', now() - interval '1 hour')", owner, UUID.randomUUID().toString());
        try {
            var status = admin().get("/admin/status").then().statusCode(200).extract().jsonPath();
            assertThat(status.getLong("outbox.events")).isPositive();
            assertThat(status.getDouble("outbox.oldestSeconds")).isGreaterThanOrEqualTo(3600.0);
            assertThat(status.getLong("projection.events")).isNotNegative();
            assertThat(status.getMap("sagasInFlight")).isNotNull();
        } finally {
            db.execute("delete from outbox where owner = $1", owner);
            db.execute("delete from outbox_lease where owner = $1", owner);
        }
    }

    @Test
    void aFunctionPausedAtTheBrokerHoldsItsEventsUntilResumed() {
        List<Map<String, Object>> before = queues("shipping");
        assertThat(before).extracting(q -> q.get("queue")).containsExactly("shipping.shipping.schedule");
        assertThat(before.get(0).get("consumers")).as("this process consumes it").isEqualTo(1);
        assertThat(before.get(0).get("paused")).isEqualTo(false);

        admin().post("/admin/functions/shipping/queues/pause").then().statusCode(204);
        try {
            assertThat(queues("shipping").get(0).get("paused")).isEqualTo(true);
            String orderId = place(order("pia", "DE", item("SKU-2", 1, "1.00")));
            await().atMost(Duration.ofSeconds(15)).until(() -> ((Number) queues("shipping").get(0).get("messages")).longValue() >= 1);
            given().get("/orders/{id}", orderId).then().body("status", org.hamcrest.Matchers.equalTo("PENDING_SHIPPING"));

            admin().post("/admin/functions/shipping/queues/resume").then().statusCode(204);
            awaitStatus(orderId, "COMPLETED");
            assertThat(queues("shipping").get(0).get("paused")).isEqualTo(false);
        } finally {
            admin().post("/admin/functions/shipping/queues/resume");
        }
        admin().get("/admin/functions/nope/queues").then().statusCode(404);
    }

    private static List<Map<String, Object>> queues(String function) {
        return admin().get("/admin/functions/{name}/queues", function).then().statusCode(200).extract().jsonPath().getList("");
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
