package io.eventual.payment;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** The ledger line of one order: at most one per order, which is what makes a second charge impossible. */
@Entity
@Table(name = "payment")
public class Payment extends PanacheEntityBase {

    public enum Status {
        CHARGED,
        DECLINED,
        REFUNDED,
        /** Refunded before any charge arrived: a charge that arrives later is refused. */
        VOIDED
    }

    @Id
    @Column(name = "order_id")
    public String orderId;

    @Column(name = "payment_id")
    public String paymentId;

    @Column(name = "customer_id")
    public String customerId;

    public BigDecimal amount;

    public String currency;

    @Enumerated(EnumType.STRING)
    public Status status;

    public String reason;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Version
    public long version;
}
