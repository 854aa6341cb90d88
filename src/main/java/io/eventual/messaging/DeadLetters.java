package io.eventual.messaging;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.eventual.messaging.amqp.Delivery;
import io.eventual.messaging.outbox.OutboxRelay;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Where a message goes when it cannot be handled: kept durably with the reason and the original CloudEvent, never
 * dropped. Whatever the message holds can be kept: its ids, type and reason as text PostgreSQL can store
 * ({@link Storable}; the attributes as they came, in JSON), its body as text or, when it is not text, as bytes. A park
 * that fails for a reason other than an outage is tried {@value #PARK_ATTEMPTS} times; then the message is left to the
 * broker's dead-letter address ({@link NotParked}). Dead letters can be listed, redriven to their consumer, or
 * discarded.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final String COLUMNS = "id, consumer, queue, event_id, event_type, subject, reason, reason_class, "
            + "attempts, attributes, content_type, body, body_bytes, created_at";
    /** The classes of dead letter that hold their order's later events (see {@link HeldOrders}). */
    private static final Set<String> HOLDING = Set.of("exhausted", "held");
    private static final String EARLIER_HOLDER = "select 1 from dead_letter where consumer = $1 and subject = $2 and id < $3 "
            + "and reason_class in ('exhausted', 'held') limit 1";
    static final int PARK_ATTEMPTS = 3;

    /**
     * A dead letter; {@code body} is the message's body when it is text, {@code bodyBase64} when it is not (a NUL byte,
     * bytes that are not UTF-8). {@code reasonClass}: {@code invalid}, {@code rejected}, {@code exhausted} or
     * {@code held} (behind an earlier dead letter of its order).
     */
    public record DeadLetter(long id, String consumer, String queue, String eventId, String eventType, String subject,
            String reason, String reasonClass, int attempts, JsonObject attributes, String contentType, String body,
            String bodyBase64, OffsetDateTime createdAt) {

        /** Whether this dead letter holds its order's later events at its consumer. */
        boolean holds() {
            return subject != null && HOLDING.contains(reasonClass);
        }
    }

    /** A message that could not even be parked: the broker's dead-letter address takes it. */
    public static class NotParked extends RuntimeException {
        NotParked(Throwable cause) {
            super("could not park the message in the dead_letter table: " + cause.getMessage(), cause);
        }
    }

    /** What a redrive did. */
    public enum Redrive {
        REDRIVEN,
        NOT_FOUND,
        /** Its body is not text, which no consumer reads: it can only be discarded. */
        NOT_TEXT,
        /** An earlier dead letter of its order holds it: that one is redriven (or discarded) first. */
        HELD
    }

    public record Page(List<DeadLetter> items, int page, int size, long total) {
    }

    private final Pool pool;
    private final OutboxRelay relay;
    private final EventualConfig.Retry retry;
    private final ConsumerMetrics metrics;

    DeadLetters(Pool pool, OutboxRelay relay, EventualConfig config, ConsumerMetrics metrics) {
        this.pool = pool;
        this.relay = relay;
        this.retry = config.retry();
        this.metrics = metrics;
    }

    /**
     * Parks {@code delivery}, counted by {@code why} (see {@link ConsumerMetrics#deadLettered}); an outage is waited
     * out, any other failure ends as {@link NotParked}.
     */
    public Uni<Void> park(String consumer, Delivery delivery, String why, String reason, int attempts) {
        Map<String, String> a = delivery.attributes();
        metrics.deadLettered(consumer, a.get("type"), why);
        LOG.warnf("dead letter from %s (event %s, type %s) after %d attempt(s): %s", delivery.queue(),
                Storable.text(a.get("id"), Storable.SHORT), Storable.text(a.get("type"), Storable.SHORT), attempts,
                Storable.text(reason, Storable.LONG));
        Optional<String> text = Storable.utf8(delivery.body());
        Object[] row = { Storable.text(consumer, Storable.SHORT), Storable.text(delivery.queue(), Storable.SHORT),
                Storable.text(a.get("id"), Storable.SHORT), Storable.text(a.get("type"), Storable.SHORT),
                Storable.text(a.get("subject"), Storable.SHORT), Storable.text(reason, Storable.LONG), attempts,
                // JSON writes a NUL as an escape: the attributes are kept exactly.
                new JsonObject(new HashMap<>(a)).encode(), Storable.text(delivery.contentType(), Storable.SHORT),
                text.orElse(null), text.isPresent() ? null : io.vertx.core.buffer.Buffer.buffer(delivery.body()), why };
        return pool.preparedQuery("insert into dead_letter (consumer, queue, event_id, event_type, subject, reason, "
                + "attempts, attributes, content_type, body, body_bytes, reason_class) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .execute(Tuple.from(row)).replaceWithVoid()
                .onFailure(Failures::isTransient).retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely()
                .onFailure().retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).atMost(PARK_ATTEMPTS - 1)
                .onFailure().transform(NotParked::new);
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
     * not lost if the broker is away), and removes the dead letter; the events of its order held behind it follow, in
     * order. A held one whose order has an earlier holding dead letter stays: that one goes first.
     */
    public Uni<Redrive> redrive(long id) {
        return pool.withTransaction(conn -> conn.preparedQuery("select " + COLUMNS + " from dead_letter where id = $1 for update")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(Redrive.NOT_FOUND);
                    }
                    DeadLetter letter = map(rows.iterator().next());
                    if (letter.bodyBase64() != null) {
                        return Uni.createFrom().item(Redrive.NOT_TEXT);
                    }
                    return firstOfItsOrder(conn, letter).chain(first -> first
                            ? release(conn, letter, true).replaceWith(Redrive.REDRIVEN)
                            : Uni.createFrom().item(Redrive.HELD));
                })).invoke(done -> {
                    if (done == Redrive.REDRIVEN) {
                        relay.written();
                    }
                });
    }

    /**
     * Removes the dead letter; if it held its order, the events held behind it go to their consumer, in order: the
     * order goes on without the discarded event.
     */
    public Uni<Boolean> discard(long id) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from dead_letter where id = $1 returning " + COLUMNS)
                .execute(Tuple.of(id)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    DeadLetter letter = map(rows.iterator().next());
                    return firstOfItsOrder(conn, letter).chain(first -> first
                            ? release(conn, letter, false)
                            : Uni.createFrom().voidItem()).replaceWith(true);
                })).invoke(done -> {
                    if (done) {
                        relay.written();
                    }
                });
    }

    /** Whether no earlier dead letter of its order holds {@code letter}. */
    private static Uni<Boolean> firstOfItsOrder(SqlConnection conn, DeadLetter letter) {
        if (!letter.holds()) {
            return Uni.createFrom().item(true);
        }
        return conn.preparedQuery(EARLIER_HOLDER).execute(Tuple.of(letter.consumer(), letter.subject(), letter.id()))
                .map(rows -> rows.size() == 0);
    }

    /**
     * Puts {@code letter} (if {@code itself}) and, when it holds its order, the dead letters held behind it into the
     * outbox, addressed to their consumer's queue, in the order they were parked, and removes them.
     */
    private Uni<Void> release(SqlConnection conn, DeadLetter letter, boolean itself) {
        Uni<List<DeadLetter>> behind = !letter.holds() ? Uni.createFrom().item(List.of())
                : conn.preparedQuery("delete from dead_letter where consumer = $1 and subject = $2 and id > $3 "
                        + "and reason_class = 'held' returning " + COLUMNS)
                        .execute(Tuple.of(letter.consumer(), letter.subject(), letter.id())).map(rows -> {
                            List<DeadLetter> held = new ArrayList<>();
                            rows.forEach(row -> held.add(map(row)));
                            held.sort(java.util.Comparator.comparingLong(DeadLetter::id));
                            return held;
                        });
        return behind.chain(held -> {
            List<Tuple> rows = new ArrayList<>();
            if (itself) {
                rows.add(outboxRow(letter));
            }
            held.forEach(h -> rows.add(outboxRow(h)));
            return (itself ? conn.preparedQuery("delete from dead_letter where id = $1").execute(Tuple.of(letter.id())).replaceWithVoid()
                    : Uni.createFrom().voidItem()).chain(
                            () -> rows.isEmpty() ? Uni.createFrom().voidItem()
                                    : conn.preparedQuery("insert into outbox (event_id, type, subject, attributes, data, address, owner) "
                                            + "values ($1, $2, $3, $4, $5, $6, $7)").executeBatch(rows).replaceWithVoid());
        });
    }

    private Tuple outboxRow(DeadLetter letter) {
        return Tuple.from(new Object[] { letter.eventId() == null ? "" : letter.eventId(),
                letter.eventType() == null ? "" : letter.eventType(), letter.subject(), letter.attributes().encode(),
                letter.body() == null ? "" : letter.body(), letter.queue(), relay.owner() });
    }

    private static DeadLetter map(Row row) {
        return new DeadLetter(row.getLong("id"), row.getString("consumer"), row.getString("queue"),
                row.getString("event_id"), row.getString("event_type"), row.getString("subject"),
                row.getString("reason"), row.getString("reason_class"), row.getInteger("attempts"),
                new JsonObject(row.getString("attributes")),
                row.getString("content_type"), row.getString("body"),
                row.getBuffer("body_bytes") == null ? null : Base64.getEncoder().encodeToString(row.getBuffer("body_bytes").getBytes()),
                row.getOffsetDateTime("created_at"));
    }
}
