package io.eventual.inventory;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

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
}
