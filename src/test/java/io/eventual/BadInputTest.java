package io.eventual;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every refused request answers 400 problem+json naming the wrong field, and leaves nothing behind. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class BadInputTest {

    static final String ITEMS = "[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":\"2.00\"}]";
    static final String ADDRESS = "{\"country\":\"DE\"}";

    Db db;
    long eventsBefore;

    @BeforeEach
    void countEvents() {
        db = Db.owner();
        eventsBefore = recordedEvents();
    }

    @AfterEach
    void nothingWasRecorded() {
        assertThat(recordedEvents()).as("events recorded for refused requests").isEqualTo(eventsBefore);
    }

    private long recordedEvents() {
        return db.count("select (select count(*) from outbox) + (select count(*) from processed_event)"
                + " + (select count(*) from saga)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "malformed JSON           | {\"customerId\": \"x\", | ",
            "not an object            | [1,2,3] | ",
            "missing customerId       | {\"items\":" + ITEMS + ",\"currency\":\"EUR\",\"shippingAddress\":" + ADDRESS + "} | customerId",
            "empty items              | {\"customerId\":\"c\",\"items\":[],\"currency\":\"EUR\",\"shippingAddress\":" + ADDRESS
                    + "} | items",
            "zero quantity            | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":0,\"unitPrice\":\"2.00\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].quantity",
            "negative quantity        | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":-3,\"unitPrice\":\"2.00\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].quantity",
            "zero price               | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":\"0\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].unitPrice",
            "negative price           | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":-1}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].unitPrice",
            "price not a number       | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":\"cheap\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].unitPrice",
            "unknown currency         | {\"customerId\":\"c\",\"items\":" + ITEMS + ",\"currency\":\"XYZ\",\"shippingAddress\":" + ADDRESS
                    + "} | currency",
            "missing address          | {\"customerId\":\"c\",\"items\":" + ITEMS + ",\"currency\":\"EUR\"} | shippingAddress",
            "unknown country          | {\"customerId\":\"c\",\"items\":" + ITEMS
                    + ",\"currency\":\"EUR\",\"shippingAddress\":{\"country\":\"XX\"}} | shippingAddress.country",
            "huge quantity            | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":99999999999999,\"unitPrice\":\"2.00\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].quantity",
            "huge price               | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":1e400}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].unitPrice",
            "SQL-looking customer     | {\"customerId\":\"x'; drop table saga; --\",\"items\":" + ITEMS
                    + ",\"currency\":\"EUR\",\"shippingAddress\":" + ADDRESS + "} | customerId",
            "script-looking SKU       | {\"customerId\":\"c\",\"items\":[{\"sku\":\"<script>alert(1)</script>\",\"quantity\":1,\"unitPrice\":\"2.00\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].sku",
            "object where number      | {\"customerId\":\"c\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":{},\"unitPrice\":\"2.00\"}],\"currency\":\"EUR\",\"shippingAddress\":"
                    + ADDRESS + "} | items[0].quantity",
            "unknown priority         | {\"customerId\":\"c\",\"priority\":\"URGENT\",\"items\":" + ITEMS
                    + ",\"currency\":\"EUR\",\"shippingAddress\":" + ADDRESS + "} | priority",
            "trailing garbage         | {\"customerId\":\"c\",\"items\":" + ITEMS + ",\"currency\":\"EUR\",\"shippingAddress\":" + ADDRESS
                    + "} xyz | ",
    })
    void placingABadOrderIsRefused(String name, String body, String field) {
        var response = given().contentType("application/json").body(body)
                .when().post("/orders")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("title", equalTo("Invalid request"));
        if (field != null) {
            response.body("field", equalTo(field)).body("errors[0].field", equalTo(field));
        }
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"customerId\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        given().contentType("application/json").body(body).when().post("/orders")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aBodyOverTheSizeLimitIsRefused() {
        String huge = "{\"customerId\":\"" + "x".repeat(70_000) + "\"}";
        given().contentType("application/json").body(huge).when().post("/orders").then().statusCode(413);
    }

    @Test
    void aWrongContentTypeIsRefused() {
        given().contentType("text/plain").body("customerId=c").when().post("/orders")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void anOverlongIdempotencyKeyIsRefused() {
        given().header("Idempotency-Key", "k".repeat(201)).contentType("application/json").body("{}").when().post("/orders")
                .then().statusCode(400).body("field", equalTo("Idempotency-Key"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "unknown type      | order.teleported | {\"orderId\":\"o\"} | type",
            "data not its type | order.placed     | {\"orderId\":\"o\",\"customerId\":\"c\"} | data.currency",
            "data not JSON     | payment.refund   | {oops | data",
            "wrong total       | order.placed     | {\"orderId\":\"o\",\"customerId\":\"c\",\"currency\":\"EUR\",\"shippingAddress\":{\"country\":\"DE\"},\"items\":[{\"sku\":\"A\",\"quantity\":2,\"unitPrice\":\"1.00\"}],\"total\":\"3.00\"} | data.total",
    })
    void publishingABadEventIsRefused(String name, String type, String data, String field) {
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/test").header("ce-type", type)
                .contentType("application/json").body(data)
                .when().post("/events")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo(field));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "no ce headers     | application/json | {} | not a CloudEvent",
            "missing id        | application/cloudevents+json | {\"specversion\":\"1.0\",\"source\":\"/t\",\"type\":\"payment.refund\",\"data\":{\"orderId\":\"o\",\"reason\":\"r\"}} | id",
            "wrong specversion | application/cloudevents+json | {\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"payment.refund\",\"data\":{\"orderId\":\"o\",\"reason\":\"r\"}} | specversion",
            // The CloudEvents Correlation extension: when present, never empty.
            "empty correlationid | application/cloudevents+json | {\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"payment.refund\",\"correlationid\":\"\",\"data\":{\"orderId\":\"o\",\"reason\":\"r\"}} | correlationid: must not be empty",
            "empty causationid | application/cloudevents+json | {\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/t\",\"type\":\"payment.refund\",\"causationid\":\"\",\"data\":{\"orderId\":\"o\",\"reason\":\"r\"}} | causationid: must not be empty",
    })
    void aRequestThatIsNotACloudEventIsRefused(String name, String contentType, String body, String expected) {
        given().contentType(contentType).body(body)
                .when().post("/events")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString(expected));
    }
}
