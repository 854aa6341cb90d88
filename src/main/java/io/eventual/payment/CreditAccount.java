package io.eventual.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.eventual.event.Money;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** A customer's credit in one currency: what they may spend, and how much of it is charged now. */
@Entity
@Table(name = "payment_account")
public class CreditAccount extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "customer_id")
    public String customerId;

    public String currency;

    @Column(name = "credit_limit")
    public BigDecimal creditLimit;

    public BigDecimal charged;

    @Version
    public long version;

    static String idOf(String customerId, String currency) {
        return customerId + "/" + currency;
    }

    /** The customer's account, locked until the transaction ends (a customer's orders queue on it), or a new one. */
    static Uni<CreditAccount> open(String customerId, String currency, BigDecimal limit) {
        return locked(idOf(customerId, currency)).chain(found -> found != null
                ? Uni.createFrom().item(found)
                : create(customerId, currency, limit));
    }

    /**
     * The customer's account, locked as {@link #open} does, or null when there is none yet or {@code orderId} already
     * has a payment: a returning customer's new order is charged after one round trip. Only a null is worth a look for
     * the payment.
     */
    static Uni<CreditAccount> lockedUnlessPaid(String customerId, String currency, String orderId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("select * from payment_account "
                + "where id = :id and not exists (select 1 from payment where order_id = :orderId) for update",
                CreditAccount.class)
                .setParameter("id", idOf(customerId, currency)).setParameter("orderId", orderId).getSingleResultOrNull());
    }

    /** A new account (a racing insert of the same one fails the commit as transient, and the retry finds it). */
    static Uni<CreditAccount> create(String customerId, String currency, BigDecimal limit) {
        CreditAccount account = new CreditAccount();
        account.id = idOf(customerId, currency);
        account.customerId = customerId;
        account.currency = currency;
        account.creditLimit = limit;
        account.charged = BigDecimal.ZERO;
        return account.persist();
    }

    static Uni<CreditAccount> locked(String id) {
        return CreditAccount.findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    BigDecimal available() {
        return creditLimit.subtract(charged);
    }

    /**
     * The credit rule: {@code amount} is charged for the order if this account has that much available, and the
     * order's ledger line says so; otherwise it is declined with the reason, and nothing moves.
     */
    Payment charge(String orderId, Money amount) {
        Payment payment = new Payment();
        payment.orderId = orderId;
        payment.customerId = customerId;
        payment.amount = amount.amount();
        payment.currency = amount.currency();
        payment.updatedAt = Instant.now();
        if (amount.amount().compareTo(available()) > 0) {
            payment.status = Payment.Status.DECLINED;
            payment.reason = "insufficient credit: " + amount.amount() + " " + amount.currency() + " requested, "
                    + available() + " available";
        } else {
            payment.status = Payment.Status.CHARGED;
            payment.paymentId = UUID.randomUUID().toString();
            charged = charged.add(amount.amount());
        }
        return payment;
    }

    /** Gives a charged payment's amount back to this account. */
    void refund(Payment payment, String reason) {
        charged = charged.subtract(payment.amount);
        payment.status = Payment.Status.REFUNDED;
        payment.reason = reason;
        payment.updatedAt = Instant.now();
    }
}
