package io.eventual.payment;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.eventual.messaging.PipelinedPool;
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

    /**
     * The customer's account, locked until the transaction ends, or a new one: for changes of the limit, which are
     * rare and read before they write.
     */
    static Uni<CreditAccount> open(String customerId, String currency, BigDecimal limit) {
        return open(customerId, currency, limit, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * The customer's account as last committed, not locked, or a new one (written at once, so that {@link #take}
     * finds its row): a charge decides on it, and {@link #take} then fails the transaction if other orders of the
     * customer took that credit meanwhile.
     */
    static Uni<CreditAccount> current(String customerId, String currency, BigDecimal limit) {
        return open(customerId, currency, limit, LockModeType.NONE);
    }

    private static Uni<CreditAccount> open(String customerId, String currency, BigDecimal limit, LockModeType lock) {
        return CreditAccount.<CreditAccount> findById(idOf(customerId, currency), lock).chain(found -> {
            if (found != null) {
                return Uni.createFrom().item(found);
            }
            CreditAccount account = new CreditAccount();
            account.id = idOf(customerId, currency);
            account.customerId = customerId;
            account.currency = currency;
            account.creditLimit = limit;
            account.charged = BigDecimal.ZERO;
            return account.persistAndFlush();
        });
    }

    /**
     * Charges {@code amount} if the limit still allows it; otherwise the transaction fails as a lost race (40001) and
     * is retried. Not awaited: the row stays locked only from this update to the commit right behind it, so the
     * orders of one customer do not queue on it across round trips.
     */
    Uni<Integer> take(BigDecimal amount) {
        return move(id, amount, " and charged + :amount <= credit_limit");
    }

    /** Gives {@code amount} of charged credit back. */
    static Uni<Integer> giveBack(String id, BigDecimal amount) {
        return move(id, amount.negate(), "");
    }

    private static Uni<Integer> move(String id, BigDecimal amount, String guard) {
        return Panache.getSession().chain(session -> session.createNativeQuery(PipelinedPool.CHANGES_ONE_ROW
                + "update payment_account set charged = charged + :amount, version = version + 1 where id = :id" + guard)
                .setParameter("amount", amount).setParameter("id", id).executeUpdate());
    }

    BigDecimal available() {
        return creditLimit.subtract(charged);
    }
}
