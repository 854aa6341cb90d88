package io.eventual.messaging;

import java.util.List;

import io.eventual.event.Event;
import io.smallrye.mutiny.Uni;

/** Decides what to do with one event and returns what it emits. Runs inside the consumer's database transaction. */
@FunctionalInterface
public interface EventHandler {
    Uni<List<Event>> handle(Event event);
}
