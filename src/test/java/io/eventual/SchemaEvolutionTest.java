package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** order.placed version 1 (items without names) and version 2 live side by side, in flight and in the store. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class SchemaEvolutionTest {

    static String placed(String orderId, String item) {
        return """
                {"orderId":"%s","customerId":"pia","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[%s],"total":"4.00"}""".formatted(orderId, item);
    }

    @Test
    void versionOneAndVersionTwoOrdersBothCompleteAndReplayToTheSameView() {
        String v1 = UUID.randomUUID().toString();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("order.placed", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", UUID.randomUUID().toString(),
                    "cloudEvents:source", "/legacy-shop", "cloudEvents:type", "order.placed", "cloudEvents:schemaversion", "1"),
                    "application/json", placed(v1, "{\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":\"2.00\"}"));
        }
        String v2 = UUID.randomUUID().toString();
        binary(v2, "2", placed(v2, "{\"sku\":\"SKU-1\",\"name\":\"Blue mug\",\"quantity\":2,\"unitPrice\":\"2.00\"}"))
                .then().statusCode(202);

        assertThat(awaitStatus(v1, "COMPLETED").getString("items[0].name")).isEqualTo("SKU-1");
        assertThat(awaitStatus(v2, "COMPLETED").getString("items[0].name")).isEqualTo("Blue mug");
        Db db = Db.owner();
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from order_view where order_id in ($1, $2) "
                + "and status = 'COMPLETED'", v1, v2) == 2);
        assertThat(db.integer("select schema_version from event_store where stream_id = $1 and type = 'order.placed'", v1)).isEqualTo(1);
        assertThat(db.integer("select schema_version from event_store where stream_id = $1 and type = 'order.placed'", v2)).isEqualTo(2);
        String before = db.text("select string_agg(order_id || status || total || customer_id, ',' order by order_id) "
                + "from order_view where order_id in ($1, $2)", v1, v2);

        // Damaged first, so that a rebuild that did nothing cannot pass.
        db.execute("update order_view set status = 'CANCELLED', customer_id = 'mallory' where order_id in ($1, $2)", v1, v2);
        given().auth().preemptive().basic("admin", "admin").post("/admin/projections/orders/rebuild").then().statusCode(200);

        assertThat(db.text("select string_agg(order_id || status || total || customer_id, ',' order by order_id) "
                + "from order_view where order_id in ($1, $2)", v1, v2)).isEqualTo(before);
    }

    @Test
    void versionTwoDataMustHaveItsNewFieldAndUnknownVersionsAreRefused() {
        String id = UUID.randomUUID().toString();
        String unnamed = placed(id, "{\"sku\":\"SKU-1\",\"quantity\":2,\"unitPrice\":\"2.00\"}");
        binary(id, "2", unnamed).then().statusCode(400).body("field", equalTo("data.items[0].name"));
        binary(id, "3", unnamed).then().statusCode(400).body("field", equalTo("schemaversion"));
    }

    private static io.restassured.response.Response binary(String orderId, String version, String data) {
        return given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/shop").header("ce-type", "order.placed").header("ce-schemaversion", version)
                .contentType("application/json").body(data).when().post("/events");
    }
}
