package io.eventual.payment;

import static io.eventual.event.EventType.PAYMENT_PROCESS;
import static io.eventual.event.EventType.PAYMENT_REFUND;
import static io.eventual.event.EventType.PAYMENT_SCREEN;
import static io.eventual.event.EventType.PAYMENT_SET_CREDIT_LIMIT;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.Event;
import io.eventual.event.EventData;
import io.eventual.event.EventType;
import io.eventual.event.Money;
import io.eventual.event.payment.PaymentFailed;
import io.eventual.event.payment.PaymentProcessed;
import io.eventual.event.payment.PaymentRefunded;
import io.eventual.event.payment.ProcessPayment;
import io.eventual.event.payment.RefundPayment;
import io.eventual.event.payment.ScreenPayment;
import io.eventual.event.payment.SetCreditLimit;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.smallrye.mutiny.Uni;

/** Charges orders against each customer's credit and refunds them (one ledger line per order); sets credit limits. */
@ApplicationScoped
public class PaymentFunction implements EventFunction {

    static final String SOURCE = "/eventual/payment";

    private final PaymentConfig config;

    PaymentFunction(PaymentConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "payment";
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        return Map.of(PAYMENT_SCREEN, this::screen, PAYMENT_PROCESS, this::charge, PAYMENT_REFUND, this::refund,
                PAYMENT_SET_CREDIT_LIMIT, this::setLimit);
    }

    /** The fraud screen: a rule on the order alone, nothing stored. */
    Uni<List<Event>> screen(Event event) {
        Screening screening = new Screening(config.screeningLimit());
        return Uni.createFrom().item(List.of(event.cause(SOURCE, screening.screen((ScreenPayment) event.data()))));
    }

    /** The customer's limit in the currency from now on; what is charged stays charged. */
    Uni<List<Event>> setLimit(Event event) {
        SetCreditLimit change = (SetCreditLimit) event.data();
        return CreditAccount.open(change.customerId(), change.currency(), change.limit()).map(account -> {
            account.creditLimit = change.limit();
            return List.<Event> of();
        });
    }

    Uni<List<Event>> charge(Event event) {
        ProcessPayment command = (ProcessPayment) event.data();
        String customer = command.customerId();
        String currency = command.amount().currency();
        // A repeated command is answered from the order's payment; only an empty answer needs to look for one.
        return CreditAccount.lockedUnlessPaid(customer, currency, command.orderId()).chain(account -> account != null
                ? authorise(command, account)
                : Payment.<Payment> findById(command.orderId()).chain(existing -> existing != null
                        ? Uni.createFrom().item(outcome(existing))
                        : CreditAccount.create(customer, currency, limitOf(customer))
                                .chain(created -> authorise(command, created))))
                .map(reply -> List.of(event.cause(SOURCE, reply)));
    }

    private Uni<EventData> authorise(ProcessPayment command, CreditAccount account) {
        return account.charge(command.orderId(), command.amount()).<Payment> persist().map(this::outcome);
    }

    private EventData outcome(Payment payment) {
        return switch (payment.status) {
            case CHARGED, REFUNDED -> new PaymentProcessed(payment.orderId, payment.paymentId,
                    Money.of(payment.amount, payment.currency));
            case DECLINED -> new PaymentFailed(payment.orderId, payment.reason);
            case VOIDED -> new PaymentFailed(payment.orderId, "order was cancelled before payment");
        };
    }

    Uni<List<Event>> refund(Event event) {
        RefundPayment command = (RefundPayment) event.data();
        return Payment.<Payment> findById(command.orderId()).chain(payment -> {
            if (payment == null) {
                return voided(command).map(p -> refunded(p, BigDecimal.ZERO));
            }
            if (payment.status != Payment.Status.CHARGED) {
                BigDecimal returned = payment.status == Payment.Status.REFUNDED ? payment.amount : BigDecimal.ZERO;
                return Uni.createFrom().item(refunded(payment, returned));
            }
            return CreditAccount.locked(CreditAccount.idOf(payment.customerId, payment.currency))
                    .map(account -> {
                        account.refund(payment, command.reason());
                        return refunded(payment, payment.amount);
                    });
        }).map(reply -> List.of(event.cause(SOURCE, reply)));
    }

    private Uni<Payment> voided(RefundPayment command) {
        Payment payment = new Payment();
        payment.orderId = command.orderId();
        payment.status = Payment.Status.VOIDED;
        payment.amount = BigDecimal.ZERO;
        payment.reason = command.reason();
        payment.updatedAt = Instant.now();
        return payment.persist();
    }

    private static PaymentRefunded refunded(Payment payment, BigDecimal amount) {
        return new PaymentRefunded(payment.orderId,
                Money.of(amount, payment.currency == null ? "XXX" : payment.currency));
    }

    private BigDecimal limitOf(String customerId) {
        return config.creditLimits().getOrDefault(customerId, config.defaultCreditLimit());
    }
}
