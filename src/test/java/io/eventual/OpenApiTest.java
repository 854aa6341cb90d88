package io.eventual;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Every HTTP endpoint is in the OpenAPI document, with a summary and its problem+json errors. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OpenApiTest {

    @Test
    void everyResourceMethodIsDocumented() throws Exception {
        JsonPath openapi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = openapi.getMap("paths");

        List<String> endpoints = endpoints();
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(15);
        for (String endpoint : endpoints) {
            String[] parts = endpoint.split(" ", 2);
            Map<String, Object> operation = paths.getOrDefault(parts[1], Map.of()).get(parts[0]);
            assertThat(operation).as("%s is documented", endpoint).isNotNull();
            assertThat((String) operation.get("summary")).as("%s has a summary", endpoint).isNotBlank();
            assertThat(openapi
                    .getString("paths.'" + parts[1] + "'." + parts[0] + ".responses.'500'.content.'application/problem+json'.schema.$ref"))
                    .as("%s documents its problem responses", endpoint).isEqualTo("#/components/schemas/Problem");
        }
        assertThat(openapi.getString("paths.'/orders'.post.responses.'400'.content.'application/problem+json'.schema.$ref"))
                .isEqualTo("#/components/schemas/Problem");
        assertThat(openapi.getMap("paths.'/orders'.post.requestBody.content.'application/json'.examples")).containsKey("order");
        assertThat(openapi
                .getString("paths.'/events'.post.requestBody.content.'application/cloudevents+json'.examples.'structured mode'.value"))
                .contains("\"type\":\"order.placed\"");
        assertThat(openapi.getString("paths.'/events'.post.responses.'403'.content.'application/problem+json'.schema.$ref"))
                .isEqualTo("#/components/schemas/Problem");
        assertThat(openapi.getMap("components.schemas.Problem.properties")).containsKeys("type", "title", "status", "detail", "field");
    }

    /** "get /orders/{orderId}" for every JAX-RS method of the HTTP trigger and its rooms (admin, console). */
    private static List<String> endpoints() throws IOException, ClassNotFoundException {
        List<String> endpoints = new ArrayList<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes.resolve("io/eventual/trigger"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                Class<?> type = Class.forName(classes.relativize(file).toString().replace('/', '.').replace(".class", ""));
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = Stream.of(GET.class, POST.class, PUT.class, DELETE.class)
                            .filter(method::isAnnotationPresent).map(a -> a.getSimpleName().toLowerCase(Locale.ROOT))
                            .findFirst().orElse(null);
                    if (verb != null) {
                        jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                        endpoints.add(verb + " " + root.value() + (sub == null ? "" : sub.value()));
                    }
                }
            }
        }
        return endpoints;
    }
}
