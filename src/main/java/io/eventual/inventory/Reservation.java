package io.eventual.inventory;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** What one order holds: at most one reservation per order, so stock is never reserved twice for it. */
@Entity
@Table(name = "inventory_reservation")
public class Reservation extends PanacheEntityBase {

    public enum Status {
        RESERVED,
        FAILED,
        RELEASED,
        /** Released before any reservation arrived: a reservation that arrives later is refused. */
        VOIDED
    }

    @Id
    @Column(name = "order_id")
    public String orderId;

    @Enumerated(EnumType.STRING)
    public Status status;

    /** JSON array of the reserved lines. */
    @Column(columnDefinition = "text")
    public String items = "[]";

    public String sku;

    public String reason;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;
}
