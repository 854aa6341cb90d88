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

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class TimelineTest {

    @Test
    void theTimelineShowsEventsInCausalOrderWithHopsAttemptsAndDeadLetters() {
        String orderId = place(order("olga", "DE", item("SKU-1", 1, "2.00")));
        List<String> history = awaitStatus(orderId, "COMPLETED").getList("history.type", String.class);
        // A malformed late reply for this order: its consumer parks it, the timeline shows it.
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("shipping.scheduled", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", UUID.randomUUID().toString(),
                    "cloudEvents:source", "/test", "cloudEvents:type", "shipping.scheduled", "cloudEvents:subject", orderId),
                    "application/json", "{\"orderId\":\"%s\",\"shipmentId\":\"s-1\"}".formatted(orderId));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> timeline(orderId).getList("deadLetters").size() == 1);
        JsonPath timeline = timeline(orderId);

        List<String> types = timeline.getList("events.type", String.class);
        assertThat(types.subList(0, history.size())).containsExactlyElementsOf(history);
        assertThat(timeline.getString("events[0].hopMillis")).isNull();
        assertThat(timeline.getList("events.hopMillis", Long.class).subList(1, history.size())).allMatch(hop -> hop >= 0);
        assertThat(timeline.getList("events[0].appliedBy.consumer", String.class)).containsExactly("saga");
        assertThat(timeline.getInt("events[1].appliedBy[0].attempts")).isEqualTo(1);
        assertThat(timeline.getString("deadLetters[0].type")).isEqualTo("shipping.scheduled");
        assertThat(timeline.getString("deadLetters[0].reason")).contains("estimatedDelivery");

        given().get("/orders/{id}/view", orderId).then().statusCode(200).contentType("text/html")
                .body(containsString("/timeline"));
        given().get("/orders/{id}/timeline", "no-such-order").then().statusCode(404);
    }

    private static JsonPath timeline(String orderId) {
        return given().get("/orders/{id}/timeline", orderId).then().statusCode(200).extract().jsonPath();
    }
}
