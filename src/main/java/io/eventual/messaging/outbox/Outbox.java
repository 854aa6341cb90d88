package io.eventual.messaging.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.messaging.ProcessedEvents;
import io.eventual.messaging.Tracing;
import io.eventual.messaging.Transactions;
import io.eventual.messaging.pipelining.PipelinedPool;
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

    /**
     * A row addressed to one consumer's queue ({@code address}: its fully qualified queue name), with the attributes
     * and data of an event sent before: redrives, releases and replays ($1 event id … $7 owner).
     */
    public static final String INSERT_ADDRESSED = "insert into outbox (event_id, type, subject, attributes, data, address, owner) "
            + "values ($1, $2, $3, $4, $5, $6, $7)";

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
        return events.isEmpty() ? Uni.createFrom().voidItem() : appendOnce(null, events, trace);
    }

    /**
     * Records that {@code mark}'s consumer applied its event (unless it is null) and appends the events it emits, in one
     * statement. For a duplicate the commit fails ({@link ProcessedEvents#isDuplicate}) and nothing of the transaction
     * stays. The statement is not awaited (see {@link PipelinedPool}): the positions it returns are needed only once it
     * has committed.
     */
    public Uni<Void> appendOnce(ProcessedEvents.Mark mark, List<Event> events, Context trace) {
        Map<String, String> traceContext = Tracing.carrier(trace);
        List<Map<String, String>> attributes = new ArrayList<>();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            Map<String, String> a = codec.attributes(events.get(i));
            a.putAll(traceContext);
            attributes.add(a);
            // Plain appends: String.formatted here showed in the flight recordings of every function.
            rows.append(i == 0 ? "(" : ", (").append(":owner, :id").append(i).append(", :type").append(i).append(", :subject").append(i)
                    .append(", :attributes").append(i).append(", :data").append(i).append(')');
        }
        // Rows this process published meanwhile are deleted by the same statement: no transaction of their own.
        List<Long> gone = relay.claimDeletes();
        List<OutboxRelay.Pending> pending = new ArrayList<>();
        Transactions.whenEnded(() -> {
            relay.deleted(gone);
            if (!pending.isEmpty()) {
                relay.committed(pending);
            }
        }, () -> relay.notDeleted(gone));
        List<String> ctes = new ArrayList<>();
        if (!gone.isEmpty()) {
            ctes.add("gone as (" + OutboxRelay.deleteClaimed(":gone") + ")");
        }
        String last = "insert into outbox (owner, event_id, type, subject, attributes, data) values " + rows + " returning position";
        if (mark != null && events.isEmpty()) {
            last = ProcessedEvents.INSERT;
        } else if (mark != null) {
            ctes.add("processed as (" + ProcessedEvents.INSERT + ")");
        }
        String sql = PipelinedPool.ANSWERED_AT_COMMIT + (ctes.isEmpty() ? "" : "with " + String.join(", ", ctes) + " ") + last;
        List<String> data = new ArrayList<>();
        Instant written = Instant.now();
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql);
            if (!gone.isEmpty()) {
                query.setParameter("gone", OutboxRelay.csv(gone));
            }
            if (mark != null) {
                query.setParameter("consumer", mark.consumer()).setParameter("eventId", mark.eventId())
                        .setParameter("source", mark.source()).setParameter("subject", mark.subject())
                        .setParameter("release", mark.release()).setParameter("attempt", mark.attempt());
            }
            if (mark != null || !events.isEmpty()) {
                query.setParameter("owner", relay.owner());
            }
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                data.add(codec.dataAsString(event.data()));
                query.setParameter("id" + i, event.id()).setParameter("type" + i, event.type().typeName())
                        .setParameter("subject" + i, event.subject()).setParameter("attributes" + i, json(attributes.get(i)))
                        .setParameter("data" + i, data.get(i));
            }
            PipelinedPool.answerAtCommit(returned -> {
                // The sequence hands out positions in the order of the VALUES rows.
                List<Long> positions = new ArrayList<>();
                returned.forEach(row -> positions.add(row.getLong(0)));
                positions.sort(null);
                for (int i = 0; i < positions.size(); i++) {
                    pending.add(new OutboxRelay.Pending(positions.get(i), events.get(i).type().typeName(), attributes.get(i),
                            data.get(i), written));
                }
            });
            return query.executeUpdate().replaceWithVoid();
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
