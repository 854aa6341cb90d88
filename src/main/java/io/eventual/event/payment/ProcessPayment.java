package io.eventual.event.payment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code payment.process}: charge the customer for the order. */
public record ProcessPayment(@Identifier String orderId, @Identifier String customerId,
        @NotNull @Valid Money amount) implements OrderEvent {
}
