package io.eventual.messaging;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.opentelemetry.context.Context;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The transactional outbox: events are written in the same transaction as the state change that caused them, and
 * the {@link OutboxRelay} publishes them once that transaction has committed.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final ObjectMapper mapper;

    Outbox(EventCodec codec, ObjectMapper mapper) {
        this.codec = codec;
        this.mapper = mapper;
    }

    /** PostgreSQL channel notified when a transaction that wrote to the outbox commits. */
    static final String CHANNEL = "eventual_outbox";

    /** Appends {@code events} in order, in the current trace; must run inside a Panache transaction. */
    public Uni<Void> append(List<Event> events) {
        return append(events, Context.current());
    }

    /** Appends {@code events} in order, stored with {@code trace} to continue; must run inside a Panache transaction. */
    public Uni<Void> append(List<Event> events, Context trace) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, String> traceContext = Tracing.carrier(trace);
        // NOTIFY is delivered on commit, waking the relays of every process.
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> append(event, traceContext))
                .collect().last()
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery("notify " + CHANNEL).executeUpdate()))
                .replaceWithVoid();
    }

    private Uni<Integer> append(Event event, Map<String, String> traceContext) {
        Map<String, String> attributes = codec.attributes(event);
        attributes.putAll(traceContext);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into outbox (event_id, type, subject, attributes, data) "
                        + "values (:id, :type, :subject, :attributes, :data)")
                .setParameter("id", event.id())
                .setParameter("type", event.type().typeName())
                .setParameter("subject", event.subject())
                .setParameter("attributes", json(attributes))
                .setParameter("data", codec.dataAsString(event.data()))
                .executeUpdate());
    }

    private String json(Map<String, String> attributes) {
        try {
            return mapper.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
