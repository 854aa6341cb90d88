package io.eventual.saga;

import static io.eventual.testing.Events.publish;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A process of the build before version 2 (its newest flow version is 1), as during a rolling upgrade: it starts
 * orders on version 1, and leaves a saga a newer process started alone — its reply is neither applied nor parked but
 * waited out for a newer process, and its deadline is not this process's to fire.
 */
@QuarkusTest
@TestProfile(NewerFlowVersionTest.PreviousBuild.class)
@QuarkusTestResource(EmbeddedInfrastructure.class)
class NewerFlowVersionTest {

    public static class PreviousBuild implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventual.saga.flow-version", "1");
        }
    }

    @Test
    void newOrdersStartOnItsVersionAndNewerSagasAreLeftToNewerProcesses() {
        String orderId = place(order("previous-build", "DE", item("SKU-5", 1, "1.00")));
        // Completed, or cancelled when other tests have taken SKU-5's stock: either way past its first step.
        JsonPath placed = await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/orders/{id}", orderId).jsonPath(),
                order -> List.of("COMPLETED", "CANCELLED").contains(order.getString("status")));
        assertThat(placed.getInt("flowVersion")).isEqualTo(1);
        assertThat(placed.getList("history.type", String.class)).contains("payment.process");
        assertThat(placed.getList("history.type", String.class)).doesNotContain("payment.screen");

        // A saga a version-2 process started, waiting for its screen, its deadline passed.
        String newer = "newer-" + UUID.randomUUID();
        Db db = Db.owner();
        db.execute("insert into saga (id, saga, flow_version, status, step, data, correlation_id, history, created_at, "
                + "updated_at, version, deadline) values ($1, 'order', 2, 'PENDING_SCREENING', 0, '{}', 'c', '[]', now(), "
                + "now(), 1, now() - interval '1 second')", newer);
        Metrics before = Metrics.scrape();
        publish("payment.screened", "{\"orderId\":\"%s\"}".formatted(newer));

        // The reply is tried again and again (waiting for a process that runs version 2)...
        await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.scrape().since(before, "eventual_events_retried_total",
                Map.of("function", "saga", "type", "payment.screened")) >= 2);
        // ...and meanwhile nothing happened to the saga: not advanced, not expired, not parked.
        assertThat(db.text("select status || ' ' || version || ' ' || (deadline < now()) from saga where id = $1", newer))
                .isEqualTo("PENDING_SCREENING 1 true");
        assertThat(db.count("select count(*) from dead_letter where subject = $1", newer)).isZero();

        // The newer process's turn, as after the upgrade: this one, running version 1, now takes the saga and
        // ignores a reply version 1 does not know; the waiting delivery ends.
        db.execute("update saga set flow_version = 1, deadline = null where id = $1", newer);
        await().atMost(Duration.ofSeconds(15)).until(() -> db.count("select count(*) from processed_event "
                + "where consumer = 'saga' and event_id in (select event_id from event_store where stream_id = $1)", newer) == 1);
        db.execute("delete from saga where id = $1", newer);
    }
}
