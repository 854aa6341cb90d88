package io.eventual.payment;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.EventData;

/** {@code payment.refund}: give back whatever was charged for the order. */
public record RefundPayment(@NotBlank String orderId, @NotBlank String reason) implements EventData {
}
