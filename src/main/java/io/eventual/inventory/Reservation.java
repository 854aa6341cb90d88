package io.eventual.inventory;

import java.time.Instant;
import java.util.Map;

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

    /**
     * The reservation rule: every line of the order from the {@code available} stock, or none — the first short line
     * fails the whole order, naming its SKU. Lines (SKU → quantity) in the order's sequence; the caller takes the stock
     * of a reservation that succeeded.
     */
    static Reservation decide(String orderId, Map<String, Integer> wanted, Map<String, Integer> available) {
        Reservation reservation = new Reservation();
        reservation.orderId = orderId;
        reservation.updatedAt = Instant.now();
        for (Map.Entry<String, Integer> line : wanted.entrySet()) {
            int left = available.getOrDefault(line.getKey(), 0);
            if (left < line.getValue()) {
                reservation.status = Status.FAILED;
                reservation.sku = line.getKey();
                reservation.reason = "insufficient stock of " + line.getKey() + ": " + line.getValue() + " requested, "
                        + left + " available";
                return reservation;
            }
        }
        reservation.status = Status.RESERVED;
        return reservation;
    }
}
