package io.eventual.projection;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.MessagingConfig;
import io.eventual.messaging.Outage;
import io.eventual.store.Recorder;
import io.eventual.store.StoredEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the order view up to date from the event store: it reads events after its checkpoint (a global position) in
 * pages and writes the view rows and the new checkpoint in one transaction. It can also rebuild the view from
 * position 0 into a fresh table and swap it in.
 */
@ApplicationScoped
public class OrderProjector {

    static final String NAME = "orders";
    static final String VIEW = "order_view";
    private static final long LOCK = 0x6f7264657273L; // "orders"
    private static final int PAGE = 500;
    private static final Logger LOG = Logger.getLogger(OrderProjector.class);
    private final Outage outage = new Outage(LOG, "updating the order view");

    private final Pool pool;
    private final OrderFold fold;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private long timer = -1;

    OrderProjector(Pool pool, OrderFold fold, Vertx vertx) {
        this.pool = pool;
        this.fold = fold;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored, MessagingConfig messaging) {
        if (messaging.functions().contains("store")) {
            timer = vertx.setPeriodic(500, t -> wake());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    void recorded(@Observes Recorder.Recorded ignored) {
        wake();
    }

    /** Catches up with the store; at most one round at a time. */
    public void wake() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        pool.withTransaction(conn -> lock(conn).chain(() -> checkpoint(conn))
                .chain(position -> project(conn, VIEW, position).chain(next -> saveCheckpoint(conn, next)
                        .map(v -> next > position))))
                .subscribe().with(progressed -> {
                    running.set(false);
                    outage.succeeded();
                    if (progressed || again.get()) {
                        wake();
                    }
                }, error -> {
                    running.set(false);
                    outage.failed(error);
                });
    }

    /** Rebuilds the view from the whole store into a fresh table, then swaps it in; returns the events replayed. */
    public Uni<Long> rebuild() {
        String next = VIEW + "_next";
        return pool.query("drop table if exists " + next).execute()
                .chain(() -> pool.query("create table " + next + " (like " + VIEW + " including all)").execute())
                .chain(() -> catchUp(next, 0))
                .chain(position -> pool.withTransaction(conn -> lock(conn)
                        .chain(() -> project(conn, next, position))
                        .chain(last -> conn.query("alter table " + VIEW + " rename to " + VIEW + "_old").execute()
                                .chain(() -> conn.query("alter table " + next + " rename to " + VIEW).execute())
                                .chain(() -> conn.query("drop table " + VIEW + "_old").execute())
                                .chain(() -> saveCheckpoint(conn, last))
                                .replaceWith(last))));
    }

    private Uni<Long> catchUp(String table, long position) {
        return pool.withTransaction(conn -> project(conn, table, position))
                .chain(next -> next > position ? catchUp(table, next) : Uni.createFrom().item(next));
    }

    /** Applies one page of events after {@code position} to {@code table}; returns the position reached. */
    private Uni<Long> project(SqlConnection conn, String table, long position) {
        return conn.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store where position > $1 order by position limit $2")
                .execute(Tuple.of(position, PAGE)).chain(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(StoredEvent.of(row)));
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(position);
                    }
                    List<String> ids = events.stream().map(StoredEvent::streamId).distinct().toList();
                    return load(conn, table, ids).chain(current -> {
                        Map<String, OrderSummary> changed = new LinkedHashMap<>();
                        for (StoredEvent event : events) {
                            OrderSummary before = changed.getOrDefault(event.streamId(),
                                    current.getOrDefault(event.streamId(), fold.initial(event.streamId())));
                            changed.put(event.streamId(), fold.apply(before, event));
                        }
                        return save(conn, table, changed.values()).replaceWith(events.get(events.size() - 1).position());
                    });
                });
    }

    private Uni<Map<String, OrderSummary>> load(SqlConnection conn, String table, List<String> ids) {
        return conn.preparedQuery("select " + OrderViews.COLUMNS + " from " + table + " where order_id = any($1)")
                .execute(Tuple.of(ids.toArray(new String[0]))).map(rows -> {
                    Map<String, OrderSummary> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("order_id"), OrderViews.summary(row)));
                    return found;
                });
    }

    private static Uni<Void> save(SqlConnection conn, String table, java.util.Collection<OrderSummary> orders) {
        List<Tuple> rows = orders.stream().map(o -> Tuple.from(new Object[] { o.orderId(), o.status(), o.customerId(),
                o.total() == null ? null : (Object) o.total(), o.currency(), o.reason(), o.lastEventType(),
                o.lastEventAt().atOffset(ZoneOffset.UTC), o.placedAt() == null ? null : o.placedAt().atOffset(ZoneOffset.UTC) }))
                .toList();
        return conn.preparedQuery("insert into " + table + " (order_id, status, customer_id, total, currency, reason, "
                + "last_event_type, last_event_at, placed_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) "
                + "on conflict (order_id) do update set status = excluded.status, customer_id = excluded.customer_id, "
                + "total = excluded.total, currency = excluded.currency, reason = excluded.reason, "
                + "last_event_type = excluded.last_event_type, last_event_at = excluded.last_event_at, "
                + "placed_at = excluded.placed_at, updated_at = now()").executeBatch(rows).replaceWithVoid();
    }

    private static Uni<Void> lock(SqlConnection conn) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK)).replaceWithVoid();
    }

    private static Uni<Long> checkpoint(SqlConnection conn) {
        return conn.preparedQuery("select position from projection_checkpoint where name = $1").execute(Tuple.of(NAME))
                .map(rows -> rows.iterator().next().getLong("position"));
    }

    private static Uni<Void> saveCheckpoint(SqlConnection conn, long position) {
        return conn.preparedQuery("update projection_checkpoint set position = $2 where name = $1")
                .execute(Tuple.of(NAME, position)).replaceWithVoid();
    }
}
