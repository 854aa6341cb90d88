package io.eventual.event.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How {@code order.placed} data of older schema versions becomes the current shape. */
public final class OrderPlacedUpcasts {

    private OrderPlacedUpcasts() {
    }

    /** Version 2 gave every item a {@code name}; a version 1 item is named after its SKU. */
    public static ObjectNode v1ToV2(ObjectNode data) {
        JsonNode items = data.get("items");
        if (items != null && items.isArray()) {
            for (JsonNode item : items) {
                if (item.isObject() && (!item.hasNonNull("name") || item.get("name").asText().isBlank()) && item.hasNonNull("sku")) {
                    ((ObjectNode) item).put("name", item.get("sku").asText());
                }
            }
        }
        return data;
    }
}
