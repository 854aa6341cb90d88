package io.eventual.messaging;

import java.util.Map;
import java.util.function.Function;

import io.eventual.event.EventType;
import io.eventual.messaging.amqp.Delivery;
import io.smallrye.mutiny.Uni;

/**
 * One deployable function: a name and a handler per event type it consumes. The platform gives every handler the same
 * guarantees: deduplication by event id, a transaction shared with the outbox, retries and dead letters.
 */
public interface EventFunction {

    String name();

    Map<EventType, EventHandler> handlers();

    /**
     * Queues this function reads raw, outside the per-type inbox (the event store's wildcard subscription), each
     * with what to do with a delivery.
     */
    default Map<String, RawQueue> queues() {
        return Map.of();
    }

    /**
     * What to do with a delivery of a raw queue, and how many deliveries it handles at once: a handler that holds no
     * connection per delivery (one that batches) may take more than the pool-sized default.
     */
    record RawQueue(Function<Delivery, Uni<Void>> handler, int concurrency) {
    }
}
