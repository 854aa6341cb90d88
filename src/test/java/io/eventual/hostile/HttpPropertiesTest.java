package io.eventual.hostile;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Properties of the HTTP API over requests jqwik generates around each request's valid shape (fields removed, added,
 * replaced by any JSON: strings with control characters and NUL, huge and negative numbers, nested arrays and objects,
 * nulls): every answer is a 2xx or a 4xx RFC 9457 problem, never a 5xx, and nothing is half-written: exactly the
 * accepted requests left an event. A failure names the request that failed; the seed of the mutations
 * ({@code -Dproperties.seed}) is printed with it (jqwik draws the values themselves outside its own lifecycle here,
 * with its own randomness: a Quarkus test cannot be a jqwik property).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class HttpPropertiesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int REQUESTS_PER_ENDPOINT = 80;

    /** Any JSON value, three levels deep at most. */
    static final Arbitrary<JsonNode> ANY = Arbitraries.recursive(HttpPropertiesTest::leaf, inner -> Arbitraries.oneOf(
            inner.list().ofMaxSize(3).map(values -> {
                ArrayNode array = NODES.arrayNode();
                values.forEach(array::add);
                return (JsonNode) array;
            }),
            Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(8), inner).ofMaxSize(3).map(fields -> {
                ObjectNode object = NODES.objectNode();
                fields.forEach(object::set);
                return (JsonNode) object;
            })), 3);

    static Arbitrary<JsonNode> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80).map(NODES::textNode),
                Arbitraries.strings().withChars('\0', '\u0001', '\u007f', '\u0085', '"', '\\', 'é', '\ud83d', '\ude00', 'a')
                        .ofMaxLength(10).map(NODES::textNode),
                Arbitraries.of("SKU-1", "EUR", "DE", "1.00", "-1", "0", "1e400", "NaN", "99999999999999999999.999",
                        "LOW", "HIGH", "2026-12-06T10:15:30Z", "").map(NODES::textNode),
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.bigDecimals().ofScale(3).map(NODES::numberNode),
                Arbitraries.of(new BigDecimal("1E+400"), new BigDecimal("-0.001")).map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
    }

    /** Removes, replaces or adds a field somewhere in {@code body}, or replaces all of it. */
    static JsonNode mutate(JsonNode body, Arbitrary<JsonNode> any, Random random) {
        if (random.nextInt(10) == 0) {
            return any.sample();
        }
        JsonNode target = body;
        while (target.isContainerNode() && target.size() > 0 && random.nextBoolean()) {
            List<JsonNode> children = new ArrayList<>();
            target.elements().forEachRemaining(children::add);
            JsonNode child = children.get(random.nextInt(children.size()));
            if (!child.isContainerNode()) {
                break;
            }
            target = child;
        }
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() || random.nextInt(4) == 0 ? "x" + random.nextInt(3) : names.get(random.nextInt(names.size()));
            if (random.nextInt(3) == 0) {
                object.remove(name);
            } else {
                object.set(name, any.sample());
            }
        } else if (target instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(any.sample());
            } else {
                array.set(random.nextInt(array.size()), any.sample());
            }
        }
        return body;
    }

    @Test
    void generatedRequestsGetA2xxOrA4xxProblemAndOnlyAcceptedOnesLeaveAnEvent() throws Exception {
        long seed = Long.getLong("properties.seed", new Random().nextLong());
        Random random = new Random(seed);
        Arbitrary<JsonNode> any = ANY;
        String run = UUID.randomUUID().toString().substring(0, 8);
        String source = "/property/" + run;
        List<String> failures = new ArrayList<>();
        int acceptedOrders = 0;
        int acceptedEvents = 0;

        for (int i = 0; i < REQUESTS_PER_ENDPOINT; i++) {
            // POST /orders, under an Idempotency-Key of this run: an accepted order leaves exactly one key.
            JsonNode order = mutations(placeOrder(), any, random);
            Response placed = given().header("Idempotency-Key", "prop-" + run + "-" + i).contentType("application/json")
                    .body(JSON.writeValueAsBytes(order)).post("/orders");
            acceptedOrders += judge("POST /orders " + order, placed, failures);

            // POST /events, binary mode: the order's data with fuzzed ce-* headers.
            JsonNode data = mutations(orderPlaced(), any, random);
            RequestSpecification binary = given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                    .header("ce-source", source).header("ce-type", "order.placed").contentType("application/json");
            for (String header : List.of("ce-time", "ce-schemaversion", "ce-priority", "ce-subject")) {
                if (random.nextInt(3) == 0) {
                    binary.header(header, text(any.sample()));
                }
            }
            acceptedEvents += judge("POST /events (binary) " + data, binary.body(JSON.writeValueAsBytes(data)).post("/events"), failures);

            // POST /events, structured mode: the whole envelope mutated; its source stays this run's unless replaced.
            ObjectNode envelope = NODES.objectNode().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                    .put("source", source).put("type", random.nextBoolean() ? "order.placed" : "inventory.restock");
            envelope.set("data", envelope.get("type").asText().equals("order.placed") ? orderPlaced()
                    : JSON.readTree("{\"sku\":\"PROP-" + run + "\",\"quantity\":1,\"reason\":\"r\"}"));
            JsonNode structured = mutations(envelope, any, random);
            Response event = given().contentType("application/cloudevents+json").header("Authorization", "Bearer producer")
                    .body(JSON.writeValueAsBytes(structured)).post("/events");
            int accepted = judge("POST /events (structured) " + structured, event, failures);
            if (accepted == 1 && source.equals(structured.path("source").asText(null))) {
                acceptedEvents++;
            }

            // Admin: stock and credit.
            JsonNode restock = mutations(JSON.readTree("{\"quantity\":3,\"reason\":\"delivery\"}"), any, random);
            judge("POST /admin/inventory/{sku}/restock " + restock, admin().contentType("application/json")
                    .body(JSON.writeValueAsBytes(restock)).post("/admin/inventory/PROP-{run}/restock", run), failures);
            JsonNode limit = mutations(JSON.readTree("{\"currency\":\"EUR\",\"limit\":\"100.00\"}"), any, random);
            judge("PUT /admin/accounts/{customerId}/limit " + limit, admin().contentType("application/json")
                    .body(JSON.writeValueAsBytes(limit)).put("/admin/accounts/prop-{run}/limit", run), failures);
        }
        System.out.printf("http properties: %d requests (seed %d), %d orders and %d events accepted, %d failures%n",
                REQUESTS_PER_ENDPOINT * 5, seed, acceptedOrders, acceptedEvents, failures.size());
        assertThat(failures).as("seed %d", seed).isEmpty();

        // Nothing half-written: an event for each accepted request, none for a refused one.
        Db db = Db.owner();
        assertThat(db.count("select count(*) from idempotency_key where key like $1", "prop-" + run + "-%"))
                .as("accepted orders (seed %d)", seed).isEqualTo(acceptedOrders);
        int events = acceptedEvents;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> db.count("select count(*) from event_store where source = $1", source) >= events);
        assertThat(db.count("select count(*) from event_store where source = $1", source)).as("accepted events (seed %d)", seed)
                .isEqualTo(events);
        assertThat(acceptedOrders + acceptedEvents).as("some requests were accepted (seed %d)", seed).isPositive();
    }

    /** 1 if accepted; a failure noted if the answer was neither a 2xx nor a 4xx problem naming its status. */
    static int judge(String request, Response response, List<String> failures) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return 1;
        }
        if (status >= 400 && status < 500 && String.valueOf(response.contentType()).startsWith("application/problem+json")
                && Integer.valueOf(status).equals(response.jsonPath().get("status"))) {
            return 0;
        }
        failures.add(status + " " + response.asString() + " for " + request);
        return 0;
    }

    static JsonNode mutations(JsonNode valid, Arbitrary<JsonNode> any, Random random) {
        JsonNode body = valid.deepCopy();
        for (int n = random.nextInt(4); n > 0; n--) {
            body = mutate(body, any, random);
        }
        return body;
    }

    static String text(JsonNode value) {
        // HTTP header values carry no control characters: what a client can send at all.
        return (value.isTextual() ? value.asText() : value.toString()).replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    static JsonNode placeOrder() throws Exception {
        return JSON.readTree("""
                {"customerId":"prop","currency":"EUR","shippingAddress":{"country":"DE","city":"Berlin"},
                 "items":[{"sku":"SKU-1","name":"Mug","quantity":1,"unitPrice":"2.00"}],"priority":"LOW"}""");
    }

    static JsonNode orderPlaced() throws Exception {
        return JSON.readTree("""
                {"orderId":"%s","customerId":"prop","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","name":"Mug","quantity":1,"unitPrice":"2.00"}],"total":"2.00"}"""
                .formatted(UUID.randomUUID()));
    }

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }
}
