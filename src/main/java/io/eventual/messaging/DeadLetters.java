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

import com.fasterxml.jackson.annotation.JsonInclude;

import io.eventual.event.Event;
import io.eventual.messaging.amqp.Delivery;
import io.eventual.messaging.outbox.Outbox;
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
    private static final Set<String> HOLDING = Set.of("exhausted", "held", "released");
    /** Whether another dead letter of the order goes before a held one: an exhausted or released one, or an earlier held one. */
    private static final String WAITS_FOR_ANOTHER = "select 1 from dead_letter where consumer = $1 and subject = $2 "
            + "and id <> $3 and (reason_class in ('exhausted', 'released') or (reason_class = 'held' and id < $3)) limit 1";
    static final int PARK_ATTEMPTS = 3;

    /**
     * A dead letter; {@code body} is the message's body when it is text, {@code bodyBase64} when it is not (a NUL byte,
     * bytes that are not UTF-8). {@code reasonClass}: {@code invalid}, {@code rejected}, {@code exhausted} or
     * {@code held} (behind an earlier dead letter of its order).
     */
    public record DeadLetter(long id, String consumer, String queue, String eventId, String eventType, String subject,
            String reason, String reasonClass, int attempts, JsonObject attributes, String contentType, String body,
            String bodyBase64, OffsetDateTime createdAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<HistoryEntry> history) {

        /** Whether this dead letter holds its order's later events at its consumer. */
        boolean holds() {
            return subject != null && HOLDING.contains(reasonClass);
        }
    }

    /** What happened to a dead letter's event at its consumer: {@code parked}, {@code redriven}, {@code released}, {@code discarded}. */
    public record HistoryEntry(OffsetDateTime at, String what, String reason, Integer attempts) {
    }

    /** Dead letters of one consumer, event type and class, with when the first and the last were parked. */
    public record Group(String consumer, String eventType, String reasonClass, long count, OffsetDateTime firstSeen,
            OffsetDateTime lastSeen, String lastReason) {
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
        // A released event that fails again is parked anew: its released dead letter goes.
        return pool.preparedQuery("with gone as (delete from dead_letter where consumer = $1 and event_id = $3 "
                + "and reason_class = 'released'), letter as (insert into dead_letter (consumer, queue, event_id, event_type, "
                + "subject, reason, attempts, attributes, content_type, body, body_bytes, reason_class) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning consumer, event_id, reason, attempts) "
                + "insert into dead_letter_history (consumer, event_id, what, reason, attempts) "
                + "select consumer, event_id, 'parked', reason, attempts from letter")
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

    /** A dead letter with the history of its event at its consumer. */
    public Uni<Optional<DeadLetter>> find(long id) {
        return pool.preparedQuery("select " + COLUMNS + " from dead_letter where id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(Optional.<DeadLetter> empty());
                    }
                    DeadLetter letter = map(rows.iterator().next());
                    return pool.preparedQuery("select at, what, reason, attempts from dead_letter_history "
                            + "where consumer = $1 and event_id is not distinct from $2 order by id")
                            .execute(Tuple.of(letter.consumer(), letter.eventId())).map(entries -> {
                                List<HistoryEntry> history = new ArrayList<>();
                                entries.forEach(e -> history.add(new HistoryEntry(e.getOffsetDateTime("at"),
                                        e.getString("what"), e.getString("reason"), e.getInteger("attempts"))));
                                return Optional.of(withHistory(letter, history));
                            });
                });
    }

    /** Failure groups: dead letters by consumer, event type and class, largest first. */
    public Uni<List<Group>> groups() {
        return pool.query("select consumer, event_type, reason_class, count(*) as count, min(created_at) as first_seen, "
                + "max(created_at) as last_seen, (array_agg(reason order by id desc))[1] as last_reason from dead_letter "
                + "group by consumer, event_type, reason_class order by count(*) desc, consumer, event_type, reason_class")
                .execute().map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    rows.forEach(row -> groups.add(new Group(row.getString("consumer"), row.getString("event_type"),
                            row.getString("reason_class"), row.getLong("count"), row.getOffsetDateTime("first_seen"),
                            row.getOffsetDateTime("last_seen"), row.getString("last_reason"))));
                    return groups;
                });
    }

    /** The newest dead letter's id (0 if there is none): a bulk job goes up to it, not on to what it parks again. */
    public Uni<Long> lastId() {
        return pool.query("select coalesce(max(id), 0) from dead_letter").execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** Ids of a group's dead letters after {@code after} and up to {@code upTo}, oldest first, at most {@code max}. */
    public Uni<List<Long>> idsOf(String consumer, String eventType, String reasonClass, long after, long upTo, int max) {
        return pool.preparedQuery("select id from dead_letter where consumer = $1 and event_type is not distinct from $2 "
                + "and reason_class = $3 and id > $4 and id <= $5 order by id limit $6")
                .execute(Tuple.of(consumer, eventType, reasonClass, after, upTo, max)).map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getLong(0)));
                    return ids;
                });
    }

    /**
     * Sends the original message back to the queue of the consumer that gave up on it (through the outbox, so it is
     * not lost if the broker is away). A dead letter that holds its order ({@link HeldOrders}) stays, as
     * {@code released}, until its event is applied, and the events held behind it follow one after the other; a held
     * one is refused while an earlier one of its order waits. Any other is removed.
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
                    if (!letter.holds()) {
                        return conn.preparedQuery("delete from dead_letter where id = $1").execute(Tuple.of(id))
                                .chain(() -> send(conn, letter, letter.attributes())).replaceWith(Redrive.REDRIVEN);
                    }
                    return conn.preparedQuery(WAITS_FOR_ANOTHER).execute(Tuple.of(letter.consumer(), letter.subject(), id))
                            .chain(others -> others.size() > 0 && "held".equals(letter.reasonClass())
                                    ? Uni.createFrom().item(Redrive.HELD)
                                    : conn.preparedQuery("update dead_letter set reason_class = 'released' where id = $1")
                                            .execute(Tuple.of(id))
                                            .chain(() -> send(conn, letter, letter.attributes().copy()
                                                    .put(HeldOrders.RELEASE, String.valueOf(id))))
                                            .replaceWith(Redrive.REDRIVEN));
                })).invoke(done -> {
                    if (done == Redrive.REDRIVEN) {
                        relay.written();
                    }
                });
    }

    /**
     * Removes the dead letter; if its order's later events were held behind it, they go on, one after the other,
     * without it.
     */
    public Uni<Boolean> discard(long id) {
        return pool.withTransaction(conn -> conn.preparedQuery("delete from dead_letter where id = $1 returning " + COLUMNS)
                .execute(Tuple.of(id)).chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    DeadLetter letter = map(rows.iterator().next());
                    return history(conn, letter, "discarded")
                            .chain(() -> letter.holds() ? conn.preparedQuery("select eventual_release_next($1, $2, $3)")
                                    .execute(Tuple.of(letter.consumer(), letter.subject(), relay.owner())).replaceWithVoid()
                                    : Uni.createFrom().voidItem())
                            .replaceWith(true);
                })).invoke(done -> {
                    if (done) {
                        relay.written();
                    }
                });
    }

    /** A released event was applied, and its transaction may have released the next: the relay looks. */
    Uni<Void> released() {
        relay.written();
        return Uni.createFrom().voidItem();
    }

    /**
     * A released event its consumer had applied before (a duplicate): its dead letter goes and the next is released,
     * as if it had been applied now.
     */
    Uni<Void> admit(String consumer, Event event, String release) {
        return pool.preparedQuery("select eventual_admit($1, $2, $3, $4, $5)")
                .execute(Tuple.of(consumer, event.subject(), event.id(), release, relay.owner())).replaceWithVoid()
                .onFailure(HeldOrders::isHeld).recoverWithNull()
                .chain(this::released);
    }

    /** Puts {@code letter}'s event into the outbox, addressed to its consumer's queue, with {@code attributes}. */
    private Uni<Void> send(SqlConnection conn, DeadLetter letter, JsonObject attributes) {
        return conn.preparedQuery(Outbox.INSERT_ADDRESSED)
                .execute(Tuple.from(new Object[] { letter.eventId() == null ? "" : letter.eventId(),
                        letter.eventType() == null ? "" : letter.eventType(), letter.subject(), attributes.encode(),
                        letter.body() == null ? "" : letter.body(), letter.queue(), relay.owner() }))
                .chain(() -> history(conn, letter, "redriven"));
    }

    private static Uni<Void> history(SqlConnection conn, DeadLetter letter, String what) {
        return conn.preparedQuery("insert into dead_letter_history (consumer, event_id, what) values ($1, $2, $3)")
                .execute(Tuple.of(letter.consumer(), letter.eventId(), what)).replaceWithVoid();
    }

    private static DeadLetter withHistory(DeadLetter l, List<HistoryEntry> history) {
        return new DeadLetter(l.id(), l.consumer(), l.queue(), l.eventId(), l.eventType(), l.subject(), l.reason(),
                l.reasonClass(), l.attempts(), l.attributes(), l.contentType(), l.body(), l.bodyBase64(), l.createdAt(),
                history);
    }

    private static DeadLetter map(Row row) {
        return new DeadLetter(row.getLong("id"), row.getString("consumer"), row.getString("queue"),
                row.getString("event_id"), row.getString("event_type"), row.getString("subject"),
                row.getString("reason"), row.getString("reason_class"), row.getInteger("attempts"),
                new JsonObject(row.getString("attributes")),
                row.getString("content_type"), row.getString("body"),
                row.getBuffer("body_bytes") == null ? null : Base64.getEncoder().encodeToString(row.getBuffer("body_bytes").getBytes()),
                row.getOffsetDateTime("created_at"), null);
    }
}
