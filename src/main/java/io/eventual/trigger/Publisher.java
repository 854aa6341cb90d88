package io.eventual.trigger;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.Event;
import io.eventual.messaging.Outbox;
import io.eventual.messaging.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Records an accepted event durably in the outbox before the HTTP request is answered, then wakes the relay. */
@ApplicationScoped
class Publisher {

    private final Outbox outbox;
    private final OutboxRelay relay;

    Publisher(Outbox outbox, OutboxRelay relay) {
        this.outbox = outbox;
        this.relay = relay;
    }

    Uni<Event> publish(Event event) {
        return Panache.withTransaction(() -> outbox.append(List.of(event))).invoke(relay::wake).replaceWith(event);
    }
}
