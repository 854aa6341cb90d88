package io.eventual.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.eventual.event.EventType;
import io.eventual.messaging.outbox.Outbox;
import io.eventual.messaging.outbox.OutboxRelay;
import io.eventual.operations.Jobs;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Delivers events the store recorded since a point in time again to one function, through the outbox to that
 * function's own queues, in the store's global order (so each order's events in sequence). By default the function's
 * inbox makes the events it applied before no-ops; {@link Mode#REAPPLY} first forgets that it applied them, for a
 * function whose state was rebuilt.
 */
@ApplicationScoped
public class Replays {

    public static final String KIND = "replay";

    public enum Mode {
        /** Events the function applied before are skipped by its inbox: only what it missed takes effect. */
        SKIP_APPLIED,
        /** The function's dedupe records of the replayed events are deleted first: every one is applied again. */
        REAPPLY
    }

    /** What to replay, resolved: the function, its types, since when, and whether applied events take effect again. */
    public record Replay(String function, List<EventType> types, Instant since, Mode mode) {
    }

    private final Pool pool;
    private final OutboxRelay relay;

    Replays(Pool pool, OutboxRelay relay) {
        this.pool = pool;
        this.relay = relay;
    }

    /**
     * A replay fixed at its start: the last event it delivers and how many it delivers. Both come from one snapshot and
     * only from transactions that had ended, so nothing committing meanwhile changes either.
     */
    public record Plan(GlobalPosition end, long total) {
    }

    /** Where the replay stops (the store's end as of now) and how many events lie up to there. */
    public Uni<Plan> plan(Replay replay) {
        return pool.preparedQuery("with bound as (select transaction_id, position from event_store where "
                + EventStore.VISIBLE + " order by transaction_id desc, position desc limit 1) "
                + "select b.transaction_id, b.position, (select count(*) from event_store e where e.type = any($1) "
                + "and e.recorded_at >= $2 and (e.transaction_id, e.position) <= (b.transaction_id, b.position)) "
                + "from bound b")
                .execute(Tuple.of(names(replay), replay.since().atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return new Plan(GlobalPosition.START, 0);
                    }
                    Row row = rows.iterator().next();
                    return new Plan(new GlobalPosition(row.getLong(0), row.getLong(1)), row.getLong(2));
                });
    }

    /** Where a replay job stands: what it replays, the last event it delivers, and the last it delivered. */
    public record Cursor(Replay replay, GlobalPosition end, GlobalPosition after) {
    }

    /** Where a job that carries out {@code plan} starts: before the first event. */
    public static Cursor start(Replay replay, Plan plan) {
        return new Cursor(replay, plan.end(), GlobalPosition.START);
    }

    /**
     * Replays as a kind of job: each round delivers the next events after the last one delivered, up to the plan's end.
     * A round done again after a take-over delivers its events again: the inbox skips them, except in {@link Mode#REAPPLY},
     * where each function's business keys (one charge, reservation, shipment per order) still hold.
     */
    @Produces
    @Singleton
    Jobs.Kind<Cursor> kind() {
        return Jobs.Kind.of(KIND, Cursor.class, from -> {
            AtomicReference<Cursor> at = new AtomicReference<>(from);
            return Jobs.Work.of(max -> deliver(at, max), at::get);
        });
    }

    private Uni<Integer> deliver(AtomicReference<Cursor> at, int max) {
        Cursor cursor = at.get();
        Replay replay = cursor.replay();
        return pool.withTransaction(conn -> conn.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store "
                + "where type = any($1) and recorded_at >= $2 and (transaction_id, position) > ($3, $4) "
                + "and (transaction_id, position) <= ($5, $6) order by transaction_id, position limit $7")
                .execute(Tuple.from(new Object[] { names(replay), replay.since().atOffset(ZoneOffset.UTC),
                        cursor.after().transactionId(), cursor.after().position(), cursor.end().transactionId(),
                        cursor.end().position(), max }))
                .chain(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(StoredEvent.of(row)));
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Tuple> outbox = new ArrayList<>();
                    List<Tuple> forget = new ArrayList<>();
                    for (StoredEvent e : events) {
                        EventType type = EventType.of(e.type()).orElseThrow();
                        outbox.add(Tuple.from(new Object[] { e.eventId(), e.type(), e.streamId(), attributes(e).encode(),
                                e.data(), type.fqqn(replay.function()), relay.owner() }));
                        forget.add(Tuple.of(replay.function(), e.eventId(), e.source()));
                    }
                    Uni<Void> forgotten = replay.mode() == Mode.REAPPLY
                            ? conn.preparedQuery("delete from processed_event where consumer = $1 and event_id = $2 and source = $3")
                                    .executeBatch(forget).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return forgotten.chain(() -> conn.preparedQuery(Outbox.INSERT_ADDRESSED).executeBatch(outbox))
                            .invoke(() -> at.set(new Cursor(replay, cursor.end(), events.get(events.size() - 1).global())))
                            .replaceWith(events.size());
                })).invoke(relay::written);
    }

    /** The CloudEvents attributes the event was published with, as the store kept them. */
    private static JsonObject attributes(StoredEvent e) {
        JsonObject a = new JsonObject().put("specversion", "1.0").put("id", e.eventId()).put("source", e.source())
                .put("type", e.type()).put("subject", e.streamId()).put("time", e.time().toString())
                .put("datacontenttype", "application/json").put("schemaversion", Integer.toString(e.schemaVersion()));
        if (e.correlationId() != null) {
            a.put("correlationid", e.correlationId());
        }
        if (e.causationId() != null) {
            a.put("causationid", e.causationId());
        }
        return a;
    }

    private static String[] names(Replay replay) {
        return replay.types().stream().map(EventType::typeName).toArray(String[]::new);
    }
}
