package io.eventual.event;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventual.event.order.OrderPlacedUpcasts;

/**
 * Schema evolution: for each event type, the steps that turn {@code data} of version n into version n + 1. A type's
 * current version is one more than its number of steps; data of any older version is upcast on read, so stored and
 * in-flight old events keep working. To change a type's schema: change its record, then add one step here that
 * turns the previous shape into the new one (see docs/contract.md, "Schema evolution").
 */
public final class Upcasters {

    private static final Map<EventType, List<UnaryOperator<ObjectNode>>> STEPS = Map.of(
            EventType.ORDER_PLACED, List.of(OrderPlacedUpcasts::v1ToV2));

    private Upcasters() {
    }

    static int currentVersion(EventType type) {
        return 1 + STEPS.getOrDefault(type, List.of()).size();
    }

    /** {@code data} of {@code type} at {@code version}, brought to the current version. */
    static ObjectNode toCurrent(EventType type, int version, ObjectNode data) {
        List<UnaryOperator<ObjectNode>> steps = STEPS.getOrDefault(type, List.of());
        ObjectNode current = data;
        for (int step = version - 1; step < steps.size(); step++) {
            current = steps.get(step).apply(current);
        }
        return current;
    }
}
