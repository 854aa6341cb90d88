package io.eventual.hostile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.eventual.testing.RefusedParks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Poison over AMQP, as a producer could send it: every delivery ends as a dead letter an operator can see, for every
 * consumer, the event store included, and none comes back: bytes that are not text are kept as bytes, attributes that
 * CloudEvents does not allow are named, and a message that cannot even be parked ends in the broker's own dead
 * letters, which the admin API lists and redrives.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class PoisonTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void aBodyWithANulByteIsParkedAsBytesByTheSagaAndTheStore() {
        String subject = UUID.randomUUID().toString();
        byte[] body = "\0not json at all".getBytes(StandardCharsets.UTF_8);
        try (RawAmqp producer = new RawAmqp("producer")) {
            producer.send("order.placed", attributes(UUID.randomUUID().toString(), subject), "application/json", body);
        }
        List<Map<String, Object>> letters = awaitDeadLetters(subject, 2);
        assertThat(letters).extracting(l -> l.get("consumer")).containsExactlyInAnyOrder("saga", "store");
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.get("body")).isNull();
            assertThat(letter.get("bodyBase64")).isEqualTo(Base64.getEncoder().encodeToString(body));
        });
        assertThat(reason(letters, "saga")).startsWith("invalid event: data: malformed JSON: Illegal character ((CTRL-CHAR, code 0))");
        assertThat(reason(letters, "store")).isEqualTo(
                "its data is not text (a NUL byte, or not UTF-8): the event store keeps data as text");
        assertThat(brokerDeadLetters(subject)).as("nothing left to the broker").isEmpty();

        // No consumer reads such a body: it cannot be redriven, only discarded.
        Object id = letters.get(0).get("id");
        admin().post("/admin/dead-letters/{id}/redrive", id).then().statusCode(409).contentType("application/problem+json");
        admin().delete("/admin/dead-letters/{id}", id).then().statusCode(204);
    }

    @Test
    void aMessageWithoutCloudEventsAttributesIsParkedByItsConsumerAndByTheStore() {
        String body = "{\"note\":\"" + UUID.randomUUID() + "\"}";
        try (RawAmqp producer = new RawAmqp("producer")) {
            producer.send("order.placed", Map.of("x-note", "no attributes"), "application/json", body);
        }
        List<Map<String, Object>> letters = await().atMost(Duration.ofSeconds(15)).until(
                () -> admin().queryParam("size", 500).get("/admin/dead-letters").jsonPath()
                        .<Map<String, Object>> getList("items.findAll { it.body == '" + body.replace("\"", "\\\"") + "' }"),
                found -> found.size() >= 2);
        assertThat(letters).hasSize(2);
        assertThat(reason(letters, "saga")).isEqualTo("invalid event: not a CloudEvent: no cloudEvents: (or cloudEvents_) "
                + "application properties");
        assertThat(reason(letters, "store")).isEqualTo("not a CloudEvent: no id attribute");
    }

    @Test
    void bytesThatAreNotUtf8AndAttributesCloudEventsForbidsAreParkedNamingTheAttribute() {
        String notUtf8 = UUID.randomUUID().toString();
        String nulInId = UUID.randomUUID().toString();
        String longId = UUID.randomUUID().toString();
        try (RawAmqp producer = new RawAmqp("producer")) {
            producer.send("order.placed", attributes(UUID.randomUUID().toString(), notUtf8), "application/json",
                    new byte[] { '{', (byte) 0xff, (byte) 0xfe, '}' });
            producer.send("order.placed", attributes("evil\0" + nulInId, nulInId), "application/json", "{}");
            producer.send("order.placed", attributes("x".repeat(5000), longId), "application/json", "{}");
        }
        List<Map<String, Object>> letters = awaitDeadLetters(notUtf8, 2);
        assertThat(reason(letters, "saga")).isEqualTo("invalid event: data: not UTF-8: JSON between systems must be UTF-8 (RFC 8259)");
        assertThat(reason(letters, "store")).startsWith("its data is not text");

        letters = awaitDeadLetters(nulInId, 2);
        assertThat(letters).extracting(l -> l.get("reason")).containsOnly(
                "invalid event: id: must not contain control characters (found U+0000 at 4)");
        assertThat(letters).extracting(l -> l.get("eventId")).as("kept as text, the NUL written out")
                .containsOnly("evil\\u0000" + nulInId);

        letters = awaitDeadLetters(longId, 2);
        assertThat(letters).extracting(l -> l.get("reason")).containsOnly(
                "invalid event: id: must be at most 256 characters, was 5000");
        assertThat(letters).extracting(l -> (String) l.get("eventId"))
                .allMatch(id -> id.startsWith("x".repeat(256) + "…(4744 more characters)"));
        assertThat(letters).extracting(l -> (Object) ((Map<?, ?>) l.get("attributes")).get("id")).as("the attributes as they came")
                .containsOnly("x".repeat(5000));
    }

    @Test
    void aMessageThatCannotEvenBeParkedEndsInTheBrokersDeadLettersAndComesBackFromThem() throws Exception {
        String subject = UUID.randomUUID().toString();
        try (RefusedParks refused = RefusedParks.of(jdbcUrl, subject)) {
            try (RawAmqp operator = new RawAmqp()) {
                operator.send("payment.refund", attributes(UUID.randomUUID().toString(), subject), "application/json",
                        "<xml/>");
            }
            // The store records it (it records what was published, as published); payment cannot park it.
            List<Map<String, Object>> atBroker = await().atMost(Duration.ofSeconds(20))
                    .until(() -> brokerDeadLetters(subject), letters -> !letters.isEmpty());
            assertThat(atBroker).extracting(l -> l.get("queue")).containsExactly("payment.payment.refund");
            assertThat(deadLetters(subject)).as("nothing parked meanwhile").isEmpty();
        }
        for (Map<String, Object> letter : brokerDeadLetters(subject)) {
            admin().post("/admin/broker-dead-letters/{id}/redrive", letter.get("messageId")).then().statusCode(202);
        }
        List<Map<String, Object>> parked = awaitDeadLetters(subject, 1);
        assertThat(parked).extracting(l -> l.get("consumer")).containsExactly("payment");
        assertThat(reason(parked, "payment")).startsWith("invalid event: data: malformed JSON");
        assertThat(brokerDeadLetters(subject)).isEmpty();
        admin().post("/admin/broker-dead-letters/{id}/redrive", 987654321).then().statusCode(404);
    }

    static Map<String, Object> attributes(String id, String subject) {
        return Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", id, "cloudEvents:source", "/evil",
                "cloudEvents:type", "order.placed", "cloudEvents:subject", subject);
    }

    static List<Map<String, Object>> deadLetters(String subject) {
        return admin().queryParam("size", 500).get("/admin/dead-letters").then().statusCode(200).extract().jsonPath()
                .getList("items.findAll { it.subject == '" + subject + "' }");
    }

    static List<Map<String, Object>> awaitDeadLetters(String subject, int count) {
        List<Map<String, Object>> letters = await().atMost(Duration.ofSeconds(15))
                .until(() -> deadLetters(subject), found -> found.size() >= count);
        assertThat(letters).as("dead letters of " + subject).hasSize(count);
        return letters;
    }

    static List<Map<String, Object>> brokerDeadLetters(String subject) {
        return admin().get("/admin/broker-dead-letters").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.attributes['cloudEvents:subject'] == '" + subject + "' }");
    }

    static String reason(List<Map<String, Object>> letters, String consumer) {
        return letters.stream().filter(l -> consumer.equals(l.get("consumer"))).map(l -> (String) l.get("reason"))
                .findFirst().orElseThrow();
    }

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
