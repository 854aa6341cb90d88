package io.eventual.testing;

import static io.restassured.RestAssured.given;

import java.util.UUID;

/** Publishes events through POST /events (CloudEvents HTTP binary mode), as another participant would. */
public final class Events {

    private Events() {
    }

    /** Publishes {@code data} as an event of {@code type}; returns its id. */
    public static String publish(String type, String data) {
        String id = UUID.randomUUID().toString();
        given().header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test").header("ce-type", type)
                .contentType("application/json").body(data)
                .when().post("/events")
                .then().statusCode(202);
        return id;
    }
}
