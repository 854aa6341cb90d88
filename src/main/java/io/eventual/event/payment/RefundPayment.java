package io.eventual.event.payment;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Identifier;
import io.eventual.event.OrderEvent;

/** {@code payment.refund}: give back whatever was charged for the order. */
public record RefundPayment(@Identifier String orderId, @NotBlank String reason) implements OrderEvent {
}
