package io.eventual.inventory;

import java.util.Collection;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

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
     * The stock of {@code skus}, locked until the transaction ends, in SKU order (so two orders never wait for each
     * other crosswise): orders of one popular SKU queue on its row instead of failing and retrying.
     */
    static Uni<List<StockItem>> locked(Collection<String> skus) {
        // SQL rather than HQL: Hibernate's query plan cache is off (application.properties), so HQL would be parsed
        // on every reservation.
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select * from inventory_stock where sku = any(:skus) order by sku for update", StockItem.class)
                .setParameter("skus", skus.toArray(String[]::new)).getResultList());
    }
}
