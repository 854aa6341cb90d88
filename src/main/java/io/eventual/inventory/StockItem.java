package io.eventual.inventory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.eventual.messaging.Statements;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** Stock of one SKU: what can still be promised, and what is set aside for orders. */
@Entity
@Table(name = "inventory_stock")
public class StockItem extends PanacheEntityBase {

    @Id
    public String sku;

    public int available;

    public int reserved;

    @Version
    public long version;

    /**
     * The stock of {@code skus}, locked until the transaction ends, in SKU order (so two changes never wait for each
     * other crosswise): for restocks and adjustments, which are rare and read before they write.
     */
    static Uni<List<StockItem>> locked(Collection<String> skus) {
        return select("select * from inventory_stock where sku = any(:skus) order by sku for update",
                Map.of("skus", skus.toArray(String[]::new)));
    }

    /**
     * The stock of {@code skus} as last committed, not locked, or none at all once {@code orderId} has a reservation:
     * a new order's reservation decides on it after one round trip, and {@link #take} then fails the transaction if
     * another order took that stock meanwhile. Only when nothing comes back is the reservation worth a read of its own.
     */
    static Uni<List<StockItem>> unlessReserved(Collection<String> skus, String orderId) {
        return select("select * from inventory_stock where sku = any(:skus) and not exists "
                + "(select 1 from inventory_reservation where order_id = :orderId) order by sku",
                Map.of("skus", skus.toArray(String[]::new), "orderId", orderId));
    }

    private static Uni<List<StockItem>> select(String sql, Map<String, Object> parameters) {
        // SQL rather than HQL: Hibernate's query plan cache is off (application.properties), so HQL would be parsed
        // on every reservation.
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, StockItem.class);
            parameters.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    /**
     * Sets the quantities aside (by SKU), if that much of each is still available; otherwise the transaction fails as a
     * lost race (40001) and is retried. Not awaited: a row stays locked only from its update to the commit right
     * behind it, so orders of one popular SKU do not queue on it across round trips.
     */
    static Uni<Void> take(Map<String, Integer> quantities) {
        return move(quantities, -1, " and available + :delta >= 0");
    }

    /** Makes the quantities (by SKU) available again that were set aside. */
    static Uni<Void> putBack(Map<String, Integer> quantities) {
        return move(quantities, 1, "");
    }

    /** In SKU order: two transactions changing the same SKUs wait for each other's rows in one order, never crosswise. */
    private static Uni<Void> move(Map<String, Integer> quantities, int sign, String guard) {
        Uni<?> moved = Uni.createFrom().voidItem();
        for (Map.Entry<String, Integer> line : new TreeMap<>(quantities).entrySet()) {
            moved = moved.chain(() -> Statements.updateOneRow("update inventory_stock set available = available + :delta, "
                    + "reserved = reserved - :delta, version = version + 1 where sku = :sku" + guard,
                    Map.of("delta", sign * line.getValue(), "sku", line.getKey())));
        }
        return moved.replaceWithVoid();
    }
}
