package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** After a small mixed batch, the Prometheus counters at /q/metrics have moved by exactly what happened. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class MetricsTest {

    static final Map<String, String> ORDER_SAGA = Map.of("saga", "order");

    @Test
    void countersFollowAMixedBatch() {
        Metrics before = Metrics.quiet();

        // given: two orders that complete, one declined by payment, one short of stock
        String[] completed = { place(order("mia", "DE", item("SKU-1", 1, "2.00"))),
                place(order("noah", "DE", item("SKU-2", 2, "3.00"))) };
        String declined = place(order("broke", "DE", item("SKU-1", 1, "2.00")));
        String short1 = place(order("olga", "DE", item("RARE", 5, "1.00")));
        // and: the same payment command delivered twice, and garbage on the shipping queue
        String duplicateId = UUID.randomUUID().toString();
        Map<String, Object> attributes = Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", duplicateId,
                "cloudEvents:source", "/test", "cloudEvents:type", "payment.process");
        String charge = "{\"orderId\":\"%s\",\"customerId\":\"pia\",\"amount\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}"
                .formatted(UUID.randomUUID());
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("payment.process", attributes, "application/json", charge);
            amqp.send("payment.process", attributes, "application/json", charge);
            amqp.send("shipping.schedule", Map.of("x-note", "not a CloudEvent"), "application/json", "{\"orderId\":");
        }

        for (String orderId : completed) {
            awaitStatus(orderId, "COMPLETED");
        }
        awaitStatus(declined, "CANCELLED");
        awaitStatus(short1, "CANCELLED");

        // expect
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metrics after = Metrics.scrape();
            assertThat(after.since(before, "eventual_sagas_started_total", ORDER_SAGA)).isEqualTo(4);
            assertThat(after.since(before, "eventual_sagas_completed_total", ORDER_SAGA)).isEqualTo(2);
            assertThat(after.since(before, "eventual_sagas_cancelled_total", Map.of("reason", "payment failed"))).isEqualTo(1);
            assertThat(after.since(before, "eventual_sagas_cancelled_total", Map.of("reason", "inventory failed"))).isEqualTo(1);
            assertThat(after.since(before, "eventual_saga_duration_seconds_count", Map.of("outcome", "completed"))).isEqualTo(2);
            assertThat(after.since(before, "eventual_saga_duration_seconds_count", Map.of("outcome", "cancelled"))).isEqualTo(2);

            Map<String, String> payments = Map.of("function", "payment", "type", "payment.process");
            assertThat(after.since(before, "eventual_events_received_total", payments)).isEqualTo(6);
            assertThat(after.since(before, "eventual_events_applied_total", payments)).isEqualTo(5);
            assertThat(after.since(before, "eventual_events_duplicates_total", payments)).isEqualTo(1);
            assertThat(after.since(before, "eventual_handler_duration_seconds_count", payments)).isEqualTo(6);
            assertThat(after.since(before, "eventual_events_received_total",
                    Map.of("function", "saga", "type", "order.placed"))).isEqualTo(4);
            assertThat(after.since(before, "eventual_events_applied_total",
                    Map.of("function", "shipping", "type", "shipping.schedule"))).isEqualTo(2);
            assertThat(after.since(before, "eventual_events_applied_total",
                    Map.of("function", "store", "type", "order.completed"))).as("recorded in the event store").isEqualTo(2);
            assertThat(after.since(before, "eventual_events_dead_lettered_total",
                    Map.of("function", "shipping", "type", "unknown", "why", "invalid"))).isEqualTo(1);
            assertThat(after.since(before, "eventual_outbox_publish_latency_seconds_count", Map.of()))
                    .as("events published: 8 per completed order, 4 per cancelled one, 2 payment replies")
                    .isGreaterThanOrEqualTo(2 * 8 + 2 * 4);
        });
        Metrics now = Metrics.scrape();
        for (String gauge : new String[] { "eventual_outbox_waiting", "eventual_outbox_oldest_age_seconds",
                "eventual_projection_lag_events", "eventual_projection_lag_seconds" }) {
            assertThat(now.has(gauge)).as(gauge).isTrue();
        }
    }

    @Test
    void theGrafanaDashboardQueriesOnlyMetricsThatExist() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/eventual-dashboard.json").toFile());
        Set<String> queried = new TreeSet<>();
        dashboard.findValues("expr").forEach(expr -> {
            Matcher names = Pattern.compile("eventual_[a-z_]+").matcher(expr.asText());
            while (names.find()) {
                queried.add(names.group());
            }
        });
        assertThat(queried).hasSizeGreaterThan(10);
        Metrics scrape = Metrics.scrape();
        assertThat(queried).allSatisfy(name -> assertThat(scrape.has(name)).as(name + " is exposed").isTrue());
    }

    @Test
    void sagasInFlightAreGaugedByStatus() {
        // given: payment does not run, so the saga waits at its first step
        io.restassured.RestAssured.given().auth().preemptive().basic("admin", "admin")
                .post("/admin/functions/payment/pause").then().statusCode(204);
        try {
            String orderId = place(order("quinn", "DE", item("SKU-3", 1, "1.00")));
            // expect
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Metrics.scrape().value("eventual_sagas_in_flight", Map.of("status", "PENDING_SCREENING")))
                    .isGreaterThanOrEqualTo(1));
            io.restassured.RestAssured.given().auth().preemptive().basic("admin", "admin")
                    .post("/admin/functions/payment/resume").then().statusCode(204);
            awaitStatus(orderId, "COMPLETED");
        } finally {
            io.restassured.RestAssured.given().auth().preemptive().basic("admin", "admin")
                    .post("/admin/functions/payment/resume");
        }
    }
}
