package io.eventual.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Remembers which events a consumer has applied, in the consumer's own transaction. */
@ApplicationScoped
public class ProcessedEvents {

    /** True the first time {@code consumer} sees {@code eventId}; false for a duplicate. */
    public Uni<Boolean> firstTime(String consumer, String eventId, int attempt) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into processed_event (consumer, event_id, attempts) values (:consumer, :id, :attempt) "
                        + "on conflict do nothing")
                .setParameter("consumer", consumer)
                .setParameter("id", eventId)
                .setParameter("attempt", attempt)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
