package io.eventual.hostile;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * Every state-changing HTTP entry, tried as an anonymous caller, with wrong credentials, from another site, and by
 * path variants: each gets its exact refusal, and nothing changes.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class HttpAuthorizationTest {

    static final String ADJUST = """
            {"sku":"SKU-3","delta":-50,"reason":"x"}""";

    @Test
    void anAnonymousStockChangeIsRefusedAndChangesNothing() {
        int before = available("SKU-3");
        binary("inventory.adjust", ADJUST).post("/events")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", equalTo("publishing inventory.adjust needs a producer token (eventual.producers.tokens) "
                        + "or the admin's credentials"));
        binary("inventory.restock", "{\"sku\":\"SKU-3\",\"quantity\":5,\"reason\":\"x\"}").header("Authorization", "Bearer guess")
                .post("/events").then().statusCode(401).body("detail", equalTo("the credentials given are not valid"));

        binary("inventory.restock", "{\"sku\":\"SKU-3\",\"quantity\":7,\"reason\":\"delivery\"}")
                .header("Authorization", "Bearer producer").post("/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> available("SKU-3") == before + 7);
        binary("inventory.adjust", "{\"sku\":\"SKU-3\",\"delta\":-2,\"reason\":\"broken\"}")
                .auth().preemptive().basic("admin", "admin").post("/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> available("SKU-3") == before + 5);
        assertThat(available("SKU-3")).as("only the credentialed changes").isEqualTo(before + 5);
    }

    @Test
    void anOrderIsPlacedOnceAndNobodyRewritesItsViewOverHttpOrAmqp() {
        String orderId = place(order("c-real", "DE", item("SKU-1", 1, "5.00")));
        awaitStatus(orderId, "COMPLETED");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders("c-real").contains(orderId));

        binary("order.placed", forged(orderId)).post("/events")
                .then().statusCode(409).contentType("application/problem+json").body("field", equalTo("subject"))
                .body("detail", equalTo("order " + orderId + " already exists; an order is placed once"));

        String forgedId = UUID.randomUUID().toString();
        try (RawAmqp producer = new RawAmqp("producer")) {
            producer.send("order.placed", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", forgedId,
                    "cloudEvents:source", "/evil", "cloudEvents:type", "order.placed", "cloudEvents:subject", orderId),
                    "application/json", forged(orderId));
        }
        // The saga refuses it, and the store records it (it was published): the view must not fold it.
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().queryParam("type", "order.placed")
                .get("/admin/dead-letters").jsonPath().getList("items.eventId").contains(forgedId));
        assertThat(admin().queryParam("type", "order.placed").get("/admin/dead-letters").jsonPath()
                .getString("items.find { it.eventId == '" + forgedId + "' }.reason"))
                .isEqualTo("rejected: order " + orderId + " already exists");
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/orders/{id}/timeline", orderId).jsonPath()
                .getList("events.eventId").contains(forgedId));
        awaitViewCaughtUp();

        JsonPath real = given().queryParam("customerId", "c-real").get("/orders").jsonPath();
        assertThat(real.getList("items.orderId")).contains(orderId);
        assertThat(real.getString("items.find { it.orderId == '" + orderId + "' }.status")).isEqualTo("COMPLETED");
        assertThat(real.getFloat("items.find { it.orderId == '" + orderId + "' }.total")).isEqualTo(5.0f);
        assertThat(real.getString("items.find { it.orderId == '" + orderId + "' }.currency")).isEqualTo("EUR");
        assertThat(orders("c-evil")).doesNotContain(orderId);
    }

    @Test
    void adminWritesFromAnotherSiteAreRefused() {
        admin().header("Origin", "https://evil.example").post("/admin/functions/shipping/pause")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("cross-site request refused: Origin https://evil.example is not this server; "
                        + "allow an origin with eventual.admin.allowed-origins"));
        admin().header("Sec-Fetch-Site", "cross-site").post("/admin/functions/shipping/pause")
                .then().statusCode(403).body("detail", containsString("Sec-Fetch-Site cross-site"));
        // Without credentials too: a forged request must not even reach the authentication.
        given().header("Origin", "https://evil.example").post("/admin/projections/orders/rebuild").then().statusCode(403);
        // Credentials travel with any write the browser sends, so a credentialed write elsewhere is refused alike.
        binary("inventory.adjust", ADJUST).auth().preemptive().basic("admin", "admin")
                .header("Sec-Fetch-Site", "cross-site").post("/events").then().statusCode(403);
        assertThat(admin().get("/admin/functions").jsonPath().getList("running")).as("nothing was paused").contains("shipping");

        // The console's own requests (same origin), and clients that are not browsers, pass.
        admin().header("Origin", "http://localhost:8081").header("Sec-Fetch-Site", "same-origin")
                .post("/admin/functions/shipping/pause").then().statusCode(204);
        admin().post("/admin/functions/shipping/resume").then().statusCode(204);
        // Reading is not a write: another site cannot read the answer anyway.
        admin().header("Origin", "https://evil.example").get("/admin/functions").then().statusCode(200);
    }

    @Test
    void noPathVariantReachesTheConsoleOrTheAdminApiWithoutCredentials() {
        for (String path : List.of("/console", "/console/", "//console", "/console;x=1", "/admin/dead-letters/",
                "//admin/dead-letters", "/admin//dead-letters", "/%61dmin/dead-letters", "/admin/status/")) {
            int status = given().urlEncodingEnabled(false).get(path).statusCode();
            assertThat(status).as(path).isIn(401, 404);
        }
        given().get("/console/").then().statusCode(401);
    }

    @Test
    void everyAdminOperationOfTheOpenApiDocumentNeedsTheAdminsCredentials() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").jsonPath().getMap("paths");
        List<String> open = new ArrayList<>();
        paths.forEach((path, operations) -> {
            if (!path.startsWith("/admin") && !path.startsWith("/console")) {
                return;
            }
            for (String method : operations.keySet()) {
                String concrete = path.replaceAll("\\{[^}]+}", "1");
                int anonymous = given().contentType("application/json").body("{}").request(method.toUpperCase(), concrete).statusCode();
                int producer = given().header("Authorization", "Bearer producer").contentType("application/json").body("{}")
                        .request(method.toUpperCase(), concrete).statusCode();
                if (anonymous != 401 || producer != 401) {
                    open.add(method + " " + path + ": anonymous " + anonymous + ", producer token " + producer);
                }
            }
        });
        assertThat(paths.keySet()).as("admin paths in the document").anyMatch(p -> p.startsWith("/admin/dead-letters"));
        assertThat(open).isEmpty();
    }

    static String forged(String orderId) {
        return """
                {"orderId":"%s","customerId":"c-evil","currency":"USD","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"SKU-1","quantity":1,"unitPrice":"9999.00"}],"total":"9999.00"}""".formatted(orderId);
    }

    /** A CloudEvent in HTTP binary mode; its subject is taken from the data. */
    static RequestSpecification binary(String type, String data) {
        return given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/attacker").header("ce-type", type).contentType("application/json").body(data);
    }

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "admin");
    }

    static int available(String sku) {
        return admin().get("/admin/inventory").jsonPath().getInt("find { it.sku == '" + sku + "' }.available");
    }

    static List<String> orders(String customer) {
        return given().queryParam("customerId", customer).get("/orders").jsonPath().getList("items.orderId");
    }

    static void awaitViewCaughtUp() {
        await().atMost(Duration.ofSeconds(10)).until(() -> admin().get("/admin/projections/orders").jsonPath().getLong("events") == 0);
    }
}
