package io.eventual.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Places orders over HTTP and waits for them the way a user would: by reading them back. */
public final class Orders {

    private Orders() {
    }

    public static Map<String, Object> order(String customerId, String country, Map<String, Object>... items) {
        return Map.of("customerId", customerId, "currency", "EUR", "shippingAddress", Map.of("country", country),
                "items", List.of(items));
    }

    public static Map<String, Object> item(String sku, int quantity, String unitPrice) {
        return Map.of("sku", sku, "quantity", quantity, "unitPrice", unitPrice);
    }

    public static String place(Map<String, Object> order) {
        return given().contentType(ContentType.JSON).body(order)
                .when().post("/orders")
                .then().statusCode(202)
                .extract().path("orderId");
    }

    /** Waits until the order has reached {@code status}, then returns it. */
    public static JsonPath awaitStatus(String orderId, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            var response = given().get("/orders/{id}", orderId);
            return response.statusCode() == 200 && status.equals(response.path("status"));
        });
        return given().get("/orders/{id}", orderId).then().statusCode(200).extract().jsonPath();
    }
}
