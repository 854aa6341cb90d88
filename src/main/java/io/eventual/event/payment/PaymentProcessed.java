package io.eventual.event.payment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code payment.processed}: the amount is charged against the customer's credit. */
public record PaymentProcessed(@Identifier String orderId, @NotBlank String paymentId, @NotNull @Valid Money amount) implements OrderEvent {
}
