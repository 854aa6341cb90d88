package io.eventual.projection;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.store.StoredEvent;
import io.eventual.store.StreamFold;

/**
 * How an order's events make its summary. It reads only fields every schema version of those events has, so old
 * and new events fold alike. Once an order has ended, later (late) events change only its last event.
 *
 * <p>
 * An order is placed once. Its customer, total and currency are those of the order the saga accepted: the first
 * {@code order.placed} gives them, and the saga's charge ({@code payment.process}, which only the saga may send)
 * confirms them. Any later {@code order.placed} for the same order is one the saga refuses, and changes nothing here.
 */
@ApplicationScoped
public class OrderFold implements StreamFold<OrderSummary> {

    private static final Map<String, String> STATUS_AFTER = Map.ofEntries(
            Map.entry("order.placed", "PENDING_PAYMENT"),
            Map.entry("payment.processed", "PENDING_INVENTORY"),
            Map.entry("inventory.reserved", "PENDING_SHIPPING"),
            Map.entry("payment.failed", "COMPENSATING"),
            Map.entry("inventory.failed", "COMPENSATING"),
            Map.entry("shipping.failed", "COMPENSATING"),
            Map.entry("payment.refund", "COMPENSATING"),
            Map.entry("inventory.release", "COMPENSATING"),
            Map.entry("order.completed", "COMPLETED"),
            Map.entry("order.cancelled", "CANCELLED"));
    /** The statuses an order never leaves. */
    public static final Set<String> ENDED = Set.of("COMPLETED", "CANCELLED");

    private final ObjectMapper mapper;

    OrderFold(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public OrderSummary initial(String streamId) {
        return new OrderSummary(streamId, "UNKNOWN", null, null, null, null, null, null, null);
    }

    @Override
    public Class<OrderSummary> stateType() {
        return OrderSummary.class;
    }

    @Override
    public OrderSummary apply(OrderSummary order, StoredEvent event) {
        if (event.type().equals("order.placed") && order.placedAt() != null) {
            return order;
        }
        String status = ENDED.contains(order.status()) ? order.status()
                : STATUS_AFTER.getOrDefault(event.type(), order.status());
        OrderSummary next = order.with(status, event.type(), event.time());
        JsonNode data = data(event);
        if (event.type().equals("order.placed")) {
            return new OrderSummary(order.orderId(), status, text(data, "customerId"), decimal(data, "total"),
                    text(data, "currency"), order.reason(), event.type(), event.time(), event.time());
        }
        if (event.type().equals("payment.process")) {
            JsonNode amount = data.path("amount");
            return new OrderSummary(order.orderId(), status, text(data, "customerId"), decimal(data, "amount"),
                    text(amount, "currency"), order.reason(), event.type(), event.time(), order.placedAt());
        }
        if (event.type().equals("order.cancelled") && order.reason() == null) {
            return new OrderSummary(order.orderId(), status, order.customerId(), order.total(), order.currency(),
                    text(data, "reason"), event.type(), event.time(), order.placedAt());
        }
        return next;
    }

    private JsonNode data(StoredEvent event) {
        try {
            return mapper.readTree(event.data());
        } catch (JsonProcessingException e) {
            return mapper.nullNode();
        }
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static BigDecimal decimal(JsonNode data, String field) {
        JsonNode value = data.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject()) {
            value = value.get("amount");
        }
        try {
            return value == null ? null : new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
