package io.eventual.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * Publishes events of any type as another function would: over AMQP, logged in as the operator (outside services may
 * publish only order.placed, over HTTP or AMQP).
 */
public final class Events {

    private Events() {
    }

    /** Publishes {@code data} as an event of {@code type}; returns its id. */
    public static String publish(String type, String data) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> attributes = new HashMap<>(Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", id,
                "cloudEvents:source", "/test", "cloudEvents:type", type));
        String orderId = new JsonObject(data).getString("orderId");
        if (orderId != null) {
            attributes.put("cloudEvents:subject", orderId);
        }
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send(type, attributes, "application/json", data);
        }
        return id;
    }
}
