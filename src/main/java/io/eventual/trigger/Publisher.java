package io.eventual.trigger;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;

import io.eventual.event.Event;
import io.eventual.messaging.Transactions;
import io.eventual.messaging.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Records an accepted event durably in the outbox before the HTTP request is answered; the relay publishes it after commit. */
@ApplicationScoped
public class Publisher {

    private final Outbox outbox;

    Publisher(Outbox outbox) {
        this.outbox = outbox;
    }

    public Uni<Event> publish(Event event) {
        return Transactions.withTransaction(() -> outbox.append(List.of(event))).replaceWith(event);
    }

    /** An {@code order.placed} for an order that exists: placed before, whether in flight, recorded or ended. */
    static class OrderExists extends RuntimeException {
        OrderExists(String orderId) {
            super("order " + orderId + " already exists; an order is placed once");
        }
    }

    /**
     * Publishes an {@code order.placed} unless its order exists, and fails with {@link OrderExists} if it does. Requests
     * for one order id take turns (a lock on the id for the transaction), so two of them cannot both pass the check.
     */
    Uni<Event> publishNewOrder(Event placed) {
        return Transactions.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery(ORDER_EXISTS,
                Boolean.class).setParameter("order", placed.subject()).getSingleResult()
                .chain(exists -> exists ? Uni.createFrom().failure(new OrderExists(placed.subject()))
                        : outbox.append(List.of(placed)))))
                .replaceWith(placed);
    }

    /** Whether the order is known anywhere: its saga, the view, the store, or waiting in the outbox. */
    private static final String ORDER_EXISTS = """
            select exists (select 1 from saga where id = :order) or exists (select 1 from order_view where order_id = :order)
                or exists (select 1 from event_stream where stream_id = :order)
                or exists (select 1 from outbox where subject = :order and type = 'order.placed')
            from (select pg_advisory_xact_lock(hashtextextended(:order, 0))) turn""";

    /** What an idempotent request published: the order, and the event (unknown for keys older than V21). */
    record Once(String orderId, String eventId) {
    }

    /**
     * Publishes {@code event} only the first time {@code key} is seen; a retry with the same key and the same request
     * gets the order id and event id of the first event, and nothing is published again.
     */
    Uni<Once> publishOnce(String key, String requestHash, Event event) {
        return Transactions.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("insert into idempotency_key (key, request_hash, order_id, event_id) "
                        + "values (:key, :hash, :order, :event) on conflict (key) do nothing")
                .setParameter("key", key).setParameter("hash", requestHash).setParameter("order", event.subject())
                .setParameter("event", event.id()).executeUpdate()
                .chain(inserted -> inserted == 1
                        ? outbox.append(List.of(event)).replaceWith(new Once(event.subject(), event.id()))
                        : session.createNativeQuery("select request_hash || ' ' || order_id || coalesce(' ' || event_id, '') "
                                + "from idempotency_key where key = :key", String.class).setParameter("key", key)
                                .getSingleResult().map(found -> firstOrder(found, requestHash)))));
    }

    private static Once firstOrder(String hashOrderEvent, String requestHash) {
        String[] parts = hashOrderEvent.split(" ", 3);
        if (!parts[0].equals(requestHash)) {
            throw new ClientErrorException("this Idempotency-Key was already used for a different request", 422);
        }
        return new Once(parts[1], parts.length == 3 ? parts[2] : null);
    }
}
