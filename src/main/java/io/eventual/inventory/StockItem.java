package io.eventual.inventory;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.eventual.messaging.PipelinedPool;
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
        return select(skus, " for update");
    }

    /**
     * The stock of {@code skus} as last committed, not locked: a reservation decides on it, and {@link #take} then
     * fails the transaction if another order took that stock meanwhile.
     */
    static Uni<List<StockItem>> current(Collection<String> skus) {
        return select(skus, "");
    }

    private static Uni<List<StockItem>> select(Collection<String> skus, String lock) {
        // SQL rather than HQL: Hibernate's query plan cache is off (application.properties), so HQL would be parsed
        // on every reservation.
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select * from inventory_stock where sku = any(:skus) order by sku" + lock, StockItem.class)
                .setParameter("skus", skus.toArray(String[]::new)).getResultList());
    }

    /**
     * Sets {@code quantity} of {@code sku} aside, if that much is still available; otherwise the transaction fails as a
     * lost race (40001) and is retried. Not awaited: the row stays locked only from this update to the commit right
     * behind it, so orders of one popular SKU do not queue on it across round trips.
     */
    static Uni<Integer> take(String sku, int quantity) {
        return move(sku, -quantity, " and available + :delta >= 0");
    }

    /** Makes {@code quantity} of {@code sku} available again that was set aside. */
    static Uni<Integer> putBack(String sku, int quantity) {
        return move(sku, quantity, "");
    }

    private static Uni<Integer> move(String sku, int delta, String guard) {
        return PipelinedPool.updateOneRow("update inventory_stock set available = available + :delta, reserved = reserved - :delta, "
                + "version = version + 1 where sku = :sku" + guard, Map.of("delta", delta, "sku", sku));
    }
}
