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
import io.eventual.event.EventType;
import io.opentelemetry.context.Context;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The transactional outbox: events are written in the same transaction as the state change that caused them, owned by
 * this process, and recorded in the event store there too; once that transaction has committed they are handed to this
 * process's {@link OutboxRelay}, which publishes them from memory without reading them back.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final OutboxRelay relay;
    private final StoreRecords records;

    Outbox(EventCodec codec, ObjectMapper mapper, OutboxRelay relay, StoreRecords records) {
        this.codec = codec;
        this.mapper = mapper;
        this.relay = relay;
        this.records = records;
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
        return events.isEmpty() ? Uni.createFrom().voidItem() : appendOnce(null, events, trace, null);
    }

    /**
     * Records that {@code mark}'s consumer applied its event (unless it is null), appends the events it emits to the
     * outbox and records them in the event store ({@link StoreRecords}), with the {@code consumed} delivery if it is an
     * inbound event, all in one statement. For a duplicate the commit fails ({@link ProcessedEvents#isDuplicate}) and
     * nothing of the transaction stays. The statement is not awaited (see {@link PipelinedPool}): the positions it
     * returns are needed only once it has committed.
     */
    Uni<Void> appendOnce(ProcessedEvents.Mark mark, List<Event> events, Context trace, Delivery consumed) {
        Map<String, String> traceContext = Tracing.carrier(trace);
        List<Map<String, String>> attributes = new ArrayList<>();
        List<String> data = new ArrayList<>();
        List<StoreRecords.StoreRecord> recorded = new ArrayList<>();
        if (consumed != null && EventType.of(consumed.attributes().get("type")).filter(StoreRecords::copiedByTheBroker).isPresent()) {
            records.published(consumed.attributes(), consumed.bodyText(), true).ifPresent(recorded::add);
        }
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            Map<String, String> a = codec.attributes(event);
            a.putAll(traceContext);
            attributes.add(a);
            data.add(codec.dataAsString(event.data()));
            records.published(a, data.get(i), StoreRecords.copiedByTheBroker(event.type())).ifPresent(recorded::add);
            rows.append(i == 0 ? "" : ", ").append("(:owner, :id%1$d, :type%1$d, :subject%1$d, :attributes%1$d, :data%1$d)".formatted(i));
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
        String last;
        if (recorded.isEmpty() && events.isEmpty()) {
            last = ProcessedEvents.INSERT;
        } else {
            if (mark != null) {
                ctes.add("processed as (" + ProcessedEvents.INSERT + ")");
            }
            // A SELECT in WITH runs only if the statement reads it, unlike an INSERT.
            List<String> results = new ArrayList<>();
            if (!recorded.isEmpty()) {
                ctes.add("recorded as (select count(*) from " + StoreRecords.APPEND + "(:recorded))");
                results.add("recorded");
            }
            if (!events.isEmpty()) {
                ctes.add("queued as (insert into outbox (owner, event_id, type, subject, attributes, data) values " + rows
                        + " returning position)");
                results.add(0, "queued");
            }
            last = "select " + (events.isEmpty() ? "1" : "position") + " from " + String.join(", ", results);
        }
        String sql = PipelinedPool.ANSWERED_AT_COMMIT + (ctes.isEmpty() ? "" : "with " + String.join(", ", ctes) + " ") + last;
        Instant written = Instant.now();
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql);
            if (!gone.isEmpty()) {
                query.setParameter("gone", OutboxRelay.csv(gone));
            }
            if (mark != null) {
                query.setParameter("consumer", mark.consumer()).setParameter("eventId", mark.eventId())
                        .setParameter("attempt", mark.attempt());
            }
            if (!recorded.isEmpty()) {
                query.setParameter("recorded", records.json(recorded));
            }
            if (!events.isEmpty()) {
                query.setParameter("owner", relay.owner());
            }
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                query.setParameter("id" + i, event.id()).setParameter("type" + i, event.type().typeName())
                        .setParameter("subject" + i, event.subject()).setParameter("attributes" + i, json(attributes.get(i)))
                        .setParameter("data" + i, data.get(i));
            }
            PipelinedPool.answerAtCommit(returned -> {
                if (events.isEmpty()) {
                    return;
                }
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
