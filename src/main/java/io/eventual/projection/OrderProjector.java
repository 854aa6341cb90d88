package io.eventual.projection;

import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.event.EventType;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Loops;
import io.eventual.messaging.Outage;
import io.eventual.store.EventStore;
import io.eventual.store.GlobalPosition;
import io.eventual.store.Recorder;
import io.eventual.store.StoredEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the order view up to date from the event store: it reads events after its checkpoint (a global position) in
 * pages of up to 500 and writes the view rows and the new checkpoint in one transaction. It can also rebuild the view from
 * position 0 into a fresh table and swap it in.
 */
@ApplicationScoped
public class OrderProjector {

    static final String NAME = "orders";
    static final String VIEW = "order_view";
    private static final long LOCK = 0x6f7264657273L; // "orders"
    private static final int PAGE = 500;
    private static final long DEBOUNCE_MILLIS = 50;
    private static final Logger LOG = Logger.getLogger(OrderProjector.class);
    private final Outage outage = new Outage(LOG, "updating the order view");

    private final Pool pool;
    private final OrderFold fold;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean soon = new AtomicBoolean();
    private long timer = -1;

    OrderProjector(Pool pool, OrderFold fold, Vertx vertx) {
        this.pool = pool;
        this.fold = fold;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored, EventualConfig messaging) {
        if (messaging.functions().contains("store")) {
            timer = vertx.setPeriodic(500, t -> wake());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    /** Catches up shortly after events were recorded, so that several recorder batches go into one round. */
    void recorded(@Observes Recorder.Recorded ignored) {
        if (soon.compareAndSet(false, true)) {
            vertx.setTimer(DEBOUNCE_MILLIS, t -> {
                soon.set(false);
                wake();
            });
        }
    }

    /** Catches up with the store; at most one round at a time. */
    public void wake() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        pool.withTransaction(conn -> tryLock(conn).chain(locked -> !locked ? Uni.createFrom().item(false)
                : checkpoint(conn).chain(position -> project(conn, position).chain(next -> next.equals(position)
                        ? Uni.createFrom().item(false)
                        : saveCheckpoint(conn, next).replaceWith(true)))))
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

    /**
     * Rebuilds the view from the whole store in one transaction: readers keep seeing the old view until it commits
     * (MVCC), and the store's role needs no right to create, rename or drop tables. Returns the position reached. An
     * order is rebuilt from its events only while its first event is still in the store; an order whose first events
     * left with their month (retention) keeps its row, which is all that remains of it, and what events it still has
     * are folded onto it.
     */
    public Uni<GlobalPosition> rebuild() {
        return pool.withTransaction(conn -> lock(conn)
                .chain(() -> conn.query("delete from " + VIEW + " v where exists (select 1 from event_store e "
                        + "where e.stream_id = v.order_id and e.version = 1)").execute())
                .chain(() -> replay(conn, GlobalPosition.START))
                .chain(last -> saveCheckpoint(conn, last).replaceWith(last)));
    }

    /** Every page after {@code position}; the position reached. */
    private Uni<GlobalPosition> replay(SqlConnection conn, GlobalPosition position) {
        record Page(GlobalPosition from, GlobalPosition to) {
        }
        return Loops.until(new Page(null, position), page -> project(conn, page.to()).map(next -> new Page(page.to(), next)),
                page -> page.to().equals(page.from())).map(Page::to);
    }

    /** Applies one page of events after {@code position} to the view; returns the position reached. */
    private Uni<GlobalPosition> project(SqlConnection conn, GlobalPosition position) {
        return EventStore.readAll(conn, position, PAGE).chain(events -> {
            if (events.isEmpty()) {
                return Uni.createFrom().item(position);
            }
            // Only an order's events make an order; stock, credit and uncatalogued events pass by.
            List<StoredEvent> orders = events.stream().filter(e -> EventType.of(e.type())
                    .filter(EventType::aboutOrders).isPresent()).toList();
            GlobalPosition last = events.get(events.size() - 1).global();
            if (orders.isEmpty()) {
                return Uni.createFrom().item(last);
            }
            List<String> ids = orders.stream().map(StoredEvent::streamId).distinct().toList();
            return load(conn, ids).chain(current -> {
                Map<String, OrderSummary> changed = new LinkedHashMap<>();
                for (StoredEvent event : orders) {
                    OrderSummary before = changed.getOrDefault(event.streamId(),
                            current.getOrDefault(event.streamId(), fold.initial(event.streamId())));
                    changed.put(event.streamId(), fold.apply(before, event));
                }
                return save(conn, changed.values()).replaceWith(last);
            });
        });
    }

    private Uni<Map<String, OrderSummary>> load(SqlConnection conn, List<String> ids) {
        return conn.preparedQuery("select " + OrderViews.COLUMNS + " from " + VIEW + " where order_id = any($1)")
                .execute(Tuple.of(ids.toArray(new String[0]))).map(rows -> {
                    Map<String, OrderSummary> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("order_id"), OrderViews.summary(row)));
                    return found;
                });
    }

    private static Uni<Void> save(SqlConnection conn, java.util.Collection<OrderSummary> orders) {
        List<Tuple> rows = orders.stream().map(o -> Tuple.from(new Object[] { o.orderId(), o.status(), o.customerId(),
                o.total() == null ? null : (Object) o.total(), o.currency(), o.reason(), o.lastEventType(),
                o.lastEventAt().atOffset(ZoneOffset.UTC), o.placedAt() == null ? null : o.placedAt().atOffset(ZoneOffset.UTC) }))
                .toList();
        return conn.preparedQuery("insert into " + VIEW + " (order_id, status, customer_id, total, currency, reason, "
                + "last_event_type, last_event_at, placed_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) "
                + "on conflict (order_id) do update set status = excluded.status, customer_id = excluded.customer_id, "
                + "total = excluded.total, currency = excluded.currency, reason = excluded.reason, "
                + "last_event_type = excluded.last_event_type, last_event_at = excluded.last_event_at, "
                + "placed_at = excluded.placed_at, updated_at = now()").executeBatch(rows).replaceWithVoid();
    }

    private static Uni<Void> lock(SqlConnection conn) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK)).replaceWithVoid();
    }

    /** One projector at a time across store replicas; the others skip this round instead of queueing behind it. */
    private static Uni<Boolean> tryLock(SqlConnection conn) {
        return conn.preparedQuery("select pg_try_advisory_xact_lock($1) as locked").execute(Tuple.of(LOCK))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    private static Uni<GlobalPosition> checkpoint(SqlConnection conn) {
        return conn.preparedQuery("select transaction_id, position from projection_checkpoint where name = $1").execute(Tuple.of(NAME))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new GlobalPosition(row.getLong("transaction_id"), row.getLong("position"));
                });
    }

    private static Uni<Void> saveCheckpoint(SqlConnection conn, GlobalPosition position) {
        return conn.preparedQuery("update projection_checkpoint set transaction_id = $2, position = $3 where name = $1")
                .execute(Tuple.of(NAME, position.transactionId(), position.position())).replaceWithVoid();
    }
}
