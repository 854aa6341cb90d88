package io.eventual.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.opentelemetry.context.Context;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The transactional outbox: events are written in the same transaction as the state change that caused them, owned by
 * this process; once that transaction has committed they are handed to this process's {@link OutboxRelay}, which
 * publishes them from memory without reading them back.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final OutboxRelay relay;

    Outbox(EventCodec codec, ObjectMapper mapper, OutboxRelay relay) {
        this.codec = codec;
        this.mapper = mapper;
        this.relay = relay;
    }

    /** Appends {@code events} in order, in the current trace; must run inside a {@link Transactions} transaction. */
    public Uni<Void> append(List<Event> events) {
        return append(events, Context.current());
    }

    /**
     * Appends {@code events} in order with one statement, stored with {@code trace} to continue; must run inside a
     * {@link Transactions} transaction, after whose commit the relay gets them.
     */
    public Uni<Void> append(List<Event> events, Context trace) {
        return events.isEmpty() ? Uni.createFrom().voidItem() : write(null, events, trace).replaceWithVoid();
    }

    /**
     * Records that {@code mark}'s consumer applied its event and appends the events it emits, in one statement; the
     * events are written only if the mark is new. Returns false for a duplicate: the caller must roll back.
     */
    Uni<Boolean> appendOnce(ProcessedEvents.Mark mark, List<Event> events, Context trace) {
        return write(mark, events, trace);
    }

    private Uni<Boolean> write(ProcessedEvents.Mark mark, List<Event> events, Context trace) {
        Map<String, String> traceContext = Tracing.carrier(trace);
        List<Map<String, String>> attributes = new ArrayList<>();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            Map<String, String> a = codec.attributes(events.get(i));
            a.putAll(traceContext);
            attributes.add(a);
            rows.append(i == 0 ? "" : ", ").append("(:owner, :id%1$d, :type%1$d, :subject%1$d, :attributes%1$d, :data%1$d)".formatted(i));
        }
        String insert = "insert into outbox (owner, event_id, type, subject, attributes, data) ";
        // Rows this process published meanwhile are deleted by the same statement: no transaction of their own.
        List<Long> gone = relay.claimDeletes();
        List<OutboxRelay.Pending> pending = new ArrayList<>();
        Transactions.whenEnded(() -> {
            relay.deleted(gone);
            if (!pending.isEmpty()) {
                relay.committed(pending);
            }
        }, () -> relay.notDeleted(gone));
        String with = gone.isEmpty() ? "" : "with gone as (" + OutboxRelay.deleteClaimed(":gone") + ") ";
        String sql;
        if (mark == null) {
            sql = with + insert + "values " + rows + " returning position";
        } else if (events.isEmpty()) {
            sql = with + ProcessedEvents.INSERT;
        } else {
            // The mark comes back as -1 when it is new; the events are written only then.
            sql = (with.isEmpty() ? "with " : with + ", ") + "processed as (" + ProcessedEvents.INSERT + "), sent as (" + insert
                    + "select * from (values " + rows + ") as v where exists (select 1 from processed) returning position) "
                    + "select * from processed union all select position from sent";
        }
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Long.class);
            if (!gone.isEmpty()) {
                query.setParameter("gone", OutboxRelay.csv(gone));
            }
            if (mark != null) {
                query.setParameter("consumer", mark.consumer()).setParameter("eventId", mark.eventId())
                        .setParameter("attempt", mark.attempt());
            }
            List<String> data = new ArrayList<>();
            if (!events.isEmpty()) {
                query.setParameter("owner", relay.owner());
            }
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                data.add(codec.dataAsString(event.data()));
                query.setParameter("id" + i, event.id()).setParameter("type" + i, event.type().typeName())
                        .setParameter("subject" + i, event.subject()).setParameter("attributes" + i, json(attributes.get(i)))
                        .setParameter("data" + i, data.get(i));
            }
            Instant written = Instant.now();
            return query.getResultList().map(returned -> {
                boolean first = mark == null || returned.contains(-1L);
                // The sequence hands out positions in the order of the VALUES rows.
                List<Long> positions = returned.stream().filter(p -> p >= 0).sorted().toList();
                for (int i = 0; i < positions.size(); i++) {
                    pending.add(new OutboxRelay.Pending(positions.get(i), events.get(i).type().typeName(), attributes.get(i),
                            data.get(i), written));
                }
                return first;
            });
        });
    }

    private String json(Map<String, String> attributes) {
        try {
            return mapper.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
