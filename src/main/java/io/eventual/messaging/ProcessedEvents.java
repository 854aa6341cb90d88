package io.eventual.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * The duplicate detector: remembers which events a consumer has applied. The record is written by the same statement
 * that writes the events the consumer emits ({@link Outbox#appendOnce}), at the end of the consumer's transaction; a
 * duplicate collides with the record there, which aborts its transaction, effects and all. The collision is an error,
 * not a row count, so the statement need not be awaited before COMMIT ({@link PipelinedPool}).
 */
@ApplicationScoped
public class ProcessedEvents {

    /**
     * A consumer applying an event of {@code subject} (its order), on its {@code attempt}-th attempt; {@code release}
     * is the dead letter it was released from, if it was (see {@link HeldOrders}). An event is its source and id
     * together, as CloudEvents has it: two producers may use the same id.
     */
    public record Mark(String consumer, String eventId, String source, String subject, String release, int attempt) {
    }

    /** The start of an insert of marks: (consumer, event_id, source, attempts) rows follow. */
    public static final String MARK_ALL = "insert into processed_event (consumer, event_id, source, attempts) ";

    /**
     * Inserts the mark (named parameters :consumer, :eventId, :source, :subject, :release, :owner, :attempt); fails the second time, see
     * {@link #isDuplicate}, and while the consumer holds the subject behind a dead letter, see {@link HeldOrders}.
     */
    public static final String INSERT = MARK_ALL + "select :consumer, :eventId, :source, :attempt where "
            + HeldOrders.GUARD;

    /** Whether {@code error} is the second insert of a mark: the consumer had applied the event. */
    public static boolean isDuplicate(Throwable error) {
        PgException pg = Failures.database(error);
        return pg != null && "23505".equals(pg.getSqlState()) && "processed_event_pkey".equals(pg.getConstraint());
    }

    private final Pool pool;

    ProcessedEvents(Pool pool) {
        this.pool = pool;
    }

    /** Whether {@code consumer} has applied the event (asked when handling failed: a duplicate is no failure). */
    public Uni<Boolean> seen(String consumer, String eventId, String source) {
        return pool.preparedQuery("select 1 from processed_event where consumer = $1 and event_id = $2 and source = $3")
                .execute(Tuple.of(consumer, eventId, source)).map(rows -> rows.size() > 0);
    }
}
