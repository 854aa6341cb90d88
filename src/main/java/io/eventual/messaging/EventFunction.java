package io.eventual.messaging;

import java.util.Map;

import io.eventual.event.EventType;

/**
 * One deployable function: a name and a handler per event type it consumes. The platform gives every handler the same
 * guarantees: deduplication by event id, a transaction shared with the outbox, retries and dead letters.
 */
public interface EventFunction {

    String name();

    Map<EventType, EventHandler> handlers();
}
