package io.eventual.event.payment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code payment.refunded}: the charge is returned to the customer's credit (zero when nothing was charged). */
public record PaymentRefunded(@Identifier String orderId, @NotNull @Valid Money amount) implements OrderEvent {
}
