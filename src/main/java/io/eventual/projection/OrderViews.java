package io.eventual.projection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads the order view: lists with filters and pages, and how far the view is behind the store. */
@ApplicationScoped
public class OrderViews {

    static final String COLUMNS = "order_id, status, customer_id, total, currency, reason, last_event_type, "
            + "last_event_at, placed_at";

    public record Lag(long events, double seconds) {
    }

    public record Page(List<OrderSummary> items, int page, int size, long total, Lag lag) {
    }

    private final Pool pool;

    OrderViews(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page> list(Optional<String> status, Optional<String> customerId, boolean newestFirst, int page, int size) {
        String filter = " where ($1::text is null or status = $1) and ($2::text is null or customer_id = $2)";
        return pool.preparedQuery("select count(*) from " + OrderProjector.VIEW + filter)
                .execute(Tuple.of(status.orElse(null), customerId.orElse(null)))
                .chain(count -> pool.preparedQuery("select " + COLUMNS + " from " + OrderProjector.VIEW + filter
                        + " order by placed_at " + (newestFirst ? "desc" : "asc") + " nulls last, order_id limit $3 offset $4")
                        .execute(Tuple.of(status.orElse(null), customerId.orElse(null), size, (long) page * size))
                        .chain(rows -> lag().map(lag -> {
                            List<OrderSummary> items = new ArrayList<>();
                            rows.forEach(row -> items.add(summary(row)));
                            return new Page(items, page, size, count.iterator().next().getLong(0), lag);
                        })));
    }

    /** One order as the view has it. */
    public Uni<Optional<OrderSummary>> find(String orderId) {
        return pool.preparedQuery("select " + COLUMNS + " from " + OrderProjector.VIEW + " where order_id = $1")
                .execute(Tuple.of(orderId)).map(rows -> rows.iterator().hasNext()
                        ? Optional.of(summary(rows.iterator().next())) : Optional.empty());
    }

    /** Whether the view has applied the event {@code eventId}: it is recorded, and the view's checkpoint is past it. */
    public Uni<Boolean> reached(String eventId) {
        return pool.preparedQuery("select exists (select 1 from event_store e join projection_checkpoint c on c.name = $1 "
                + "where e.event_id = $2 and (e.transaction_id, e.position) <= (c.transaction_id, c.position))")
                .execute(Tuple.of(OrderProjector.NAME, eventId)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Events recorded but not yet in the view, and the age of the oldest of them. */
    public Uni<Lag> lag() {
        return pool.preparedQuery("select count(*) as events, coalesce(extract(epoch from now() - min(e.recorded_at)), 0) as seconds "
                + "from event_store e where (e.transaction_id, e.position) > "
                + "(select transaction_id, position from projection_checkpoint where name = $1)")
                .execute(Tuple.of(OrderProjector.NAME))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Lag(row.getLong("events"), row.getNumeric("seconds").doubleValue());
                });
    }

    static OrderSummary summary(Row row) {
        return new OrderSummary(row.getString("order_id"), row.getString("status"), row.getString("customer_id"),
                row.getBigDecimal("total"), row.getString("currency"), row.getString("reason"),
                row.getString("last_event_type"), instant(row.getOffsetDateTime("last_event_at")),
                instant(row.getOffsetDateTime("placed_at")));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

}
