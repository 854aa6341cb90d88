package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.qpid.proton.amqp.Binary;
import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.amqp.AmqpMessage;

/**
 * The CloudEvents AMQP binding as an outside producer meets it: an order placed with either property prefix and with
 * every attribute in its native AMQP type or its canonical string completes; what is not a CloudEvents value is a dead
 * letter naming the attribute; what eventual sends is strictly per the binding.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class CloudEventsBindingTest {

    @Test
    void everyPrefixAndValueFormOfTheBindingPlacesAnOrder() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Map<String, Object>> variants = List.of(
                // the canonical string form under the classic prefix
                Map.of("cloudEvents:time", now.toString(), "cloudEvents:schemaversion", "2"),
                // the JMS-compatible prefix
                Map.of("cloudEvents_time", now.toString(), "cloudEvents_schemaversion", "2"),
                // native AMQP types: timestamp and long
                Map.of("cloudEvents:time", Date.from(now), "cloudEvents:schemaversion", 2L),
                // the prefixes mixed, an int where a long belongs (a relaxation the binding allows), a time with offset
                Map.of("cloudEvents_time", "2026-11-27T10:15:30.123+02:00", "cloudEvents:schemaversion", 2),
                // extension attributes of the remaining types: boolean, binary, URI; native and as strings
                Map.of("cloudEvents:replayed", true, "cloudEvents_signature", new Binary("sig".getBytes(StandardCharsets.UTF_8)),
                        "cloudEvents:dataschema", "https://eventual.example/schemas/order.placed/2",
                        "cloudEvents_checked", "false", "cloudEvents:digest", "c2ln"));

        List<String> orders = new java.util.ArrayList<>();
        try (RawAmqp amqp = new RawAmqp()) {
            for (Map<String, Object> variant : variants) {
                String orderId = UUID.randomUUID().toString();
                boolean jms = variant.keySet().stream().allMatch(name -> name.startsWith("cloudEvents_"));
                Map<String, Object> properties = new HashMap<>(required(jms ? "cloudEvents_" : "cloudEvents:", orderId));
                properties.putAll(variant);
                amqp.sendNative("order.placed", properties, "application/json; charset=utf-8", orderPlaced(orderId));
                orders.add(orderId);
            }
        }
        for (String orderId : orders) {
            awaitStatus(orderId, "COMPLETED");
        }
    }

    @Test
    void aValueThatIsNoCloudEventsTypeIsADeadLetterNamingTheAttribute() {
        String listTime = UUID.randomUUID().toString();
        String twoIds = UUID.randomUUID().toString();
        try (RawAmqp amqp = new RawAmqp()) {
            Map<String, Object> list = new HashMap<>(required("cloudEvents:", listTime));
            list.put("cloudEvents:time", List.of("2026-11-27T10:15:30Z"));
            amqp.sendNative("order.placed", list, "application/json", orderPlaced(listTime));

            Map<String, Object> conflicting = new HashMap<>(required("cloudEvents:", twoIds));
            conflicting.put("cloudEvents_type", "payment.processed");
            amqp.sendNative("order.placed", conflicting, "application/json", orderPlaced(twoIds));
        }
        assertThat(awaitDeadLetter(listTime)).startsWith("invalid event: time: must be an AMQP string, boolean, long, "
                + "binary or timestamp, or the canonical string form");
        assertThat(awaitDeadLetter(twoIds))
                .isEqualTo("invalid event: type: sent as both cloudEvents:type and cloudEvents_type with different values");
    }

    @Test
    void outgoingEventsAreStrictlyPerTheBinding() {
        admin().post("/admin/functions/payment/pause").then().statusCode(204);
        try {
            String orderId = place(order("ines", "DE", item("SKU-1", 1, "2.00")));
            try (RawAmqp amqp = new RawAmqp()) {
                AmqpMessage charge = await().atMost(Duration.ofSeconds(15)).until(
                        () -> amqp.look("payment.screen::payment.payment.screen", Duration.ofSeconds(1),
                                message -> orderId.equals(message.groupId())),
                        message -> message != null);
                Map<String, Object> properties = charge.unwrap().getApplicationProperties().getValue();
                assertThat(properties.get("cloudEvents:time")).as("time as an AMQP timestamp").isInstanceOf(Date.class);
                assertThat(properties.get("cloudEvents:schemaversion")).as("an Integer as an AMQP long").isEqualTo(1L);
                for (String name : List.of("specversion", "id", "source", "type", "subject", "correlationid",
                        "causationid", "priority")) {
                    assertThat(properties.get("cloudEvents:" + name)).as(name).isInstanceOf(String.class);
                }
                assertThat(properties.get("cloudEvents:specversion")).isEqualTo("1.0");
                assertThat(properties.get("cloudEvents:subject")).isEqualTo(orderId);
                assertThat(properties).as("datacontenttype travels as content-type")
                        .doesNotContainKey("cloudEvents:datacontenttype");
                assertThat(charge.contentType()).isEqualTo("application/json");
                assertThat(properties.keySet()).noneMatch(name -> name.startsWith("cloudEvents_"));
            }
        } finally {
            admin().post("/admin/functions/payment/resume").then().statusCode(204);
        }
    }

    private static Map<String, Object> required(String prefix, String orderId) {
        return Map.of(prefix + "specversion", "1.0", prefix + "id", UUID.randomUUID().toString(),
                prefix + "source", "urn:shop:web", prefix + "type", "order.placed", prefix + "subject", orderId);
    }

    private static String orderPlaced(String orderId) {
        return """
                {"orderId":"%s","customerId":"ada","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-2","name":"Widget","quantity":1,"unitPrice":"3.00"}],"total":"3.00"}"""
                .formatted(orderId);
    }

    private static String awaitDeadLetter(String orderId) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> admin().queryParam("size", 500)
                .get("/admin/dead-letters").jsonPath()
                .getList("items.findAll { it.subject == '" + orderId + "' }.reason", String.class),
                reasons -> reasons.size() == 1).get(0);
    }

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
