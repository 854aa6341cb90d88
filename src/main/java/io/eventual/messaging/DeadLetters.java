package io.eventual.messaging;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Where a message goes when it cannot be handled: kept durably with the reason and the original CloudEvent, never
 * dropped. Dead letters can be listed, redriven to their consumer, or discarded.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final String COLUMNS = "id, consumer, queue, event_id, event_type, subject, reason, attempts, "
            + "attributes, content_type, body, created_at";

    public record DeadLetter(long id, String consumer, String queue, String eventId, String eventType, String subject,
            String reason, int attempts, JsonObject attributes, String contentType, String body, OffsetDateTime createdAt) {
    }

    public record Page(List<DeadLetter> items, int page, int size, long total) {
    }

    private final Pool pool;
    private final OutboxRelay relay;

    DeadLetters(Pool pool, OutboxRelay relay) {
        this.pool = pool;
        this.relay = relay;
    }

    public Uni<Void> park(String consumer, Delivery delivery, String reason, int attempts) {
        LOG.warnf("dead letter from %s (event %s, type %s) after %d attempt(s): %s", delivery.queue(),
                delivery.attributes().get("id"), delivery.attributes().get("type"), attempts, reason);
        return pool.preparedQuery("insert into dead_letter (consumer, queue, event_id, event_type, subject, reason, "
                + "attempts, attributes, content_type, body) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .execute(Tuple.from(new Object[] { consumer, delivery.queue(), delivery.attributes().get("id"),
                        delivery.attributes().get("type"), delivery.attributes().get("subject"), reason, attempts,
                        new JsonObject(new HashMap<>(delivery.attributes())).encode(), delivery.contentType(),
                        delivery.bodyText() }))
                .replaceWithVoid();
    }

    /** Dead letters, newest first, optionally only those of one consumer and/or event type. */
    public Uni<Page> list(Optional<String> consumer, Optional<String> type, int page, int size) {
        String filter = " where ($1::text is null or consumer = $1) and ($2::text is null or event_type = $2)";
        Tuple args = Tuple.of(consumer.orElse(null), type.orElse(null));
        return pool.preparedQuery("select count(*) from dead_letter" + filter).execute(args)
                .chain(count -> pool.preparedQuery("select " + COLUMNS + " from dead_letter" + filter
                        + " order by id desc limit $3 offset $4")
                        .execute(Tuple.of(consumer.orElse(null), type.orElse(null), size, (long) page * size))
                        .map(rows -> {
                            List<DeadLetter> items = new ArrayList<>();
                            rows.forEach(row -> items.add(map(row)));
                            return new Page(items, page, size, count.iterator().next().getLong(0));
                        }));
    }

    public Uni<Optional<DeadLetter>> find(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from dead_letter where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(map(rows.iterator().next())) : Optional.empty());
    }

    /**
     * Sends the original message back to the queue of the consumer that gave up on it (through the outbox, so it is
     * not lost if the broker is away), and removes the dead letter. False if there is no such dead letter.
     */
    public Uni<Boolean> redrive(long id) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from dead_letter where id = $1 returning "
                + COLUMNS).execute(Tuple.of(id)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    DeadLetter letter = map(rows.iterator().next());
                    return conn.preparedQuery("insert into outbox (event_id, type, subject, attributes, data, address, owner) "
                            + "values ($1, $2, $3, $4, $5, $6, $7)")
                            .execute(Tuple.from(new Object[] { letter.eventId() == null ? "" : letter.eventId(),
                                    letter.eventType() == null ? "" : letter.eventType(), letter.subject(),
                                    letter.attributes().encode(), letter.body() == null ? "" : letter.body(),
                                    letter.queue(), relay.owner() }))
                            .replaceWith(true);
                })).invoke(redriven -> {
                    if (redriven) {
                        relay.written();
                    }
                });
    }

    public Uni<Boolean> discard(long id) {
        return pool.preparedQuery("delete from dead_letter where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    private static DeadLetter map(Row row) {
        return new DeadLetter(row.getLong("id"), row.getString("consumer"), row.getString("queue"),
                row.getString("event_id"), row.getString("event_type"), row.getString("subject"),
                row.getString("reason"), row.getInteger("attempts"), new JsonObject(row.getString("attributes")),
                row.getString("content_type"), row.getString("body"), row.getOffsetDateTime("created_at"));
    }
}
