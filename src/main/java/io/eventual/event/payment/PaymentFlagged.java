package io.eventual.event.payment;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Failure;
import io.eventual.event.Identifier;

/** {@code payment.flagged}: the order looks fraudulent and is not charged. */
public record PaymentFlagged(@Identifier String orderId, @NotBlank String reason) implements Failure {
}
