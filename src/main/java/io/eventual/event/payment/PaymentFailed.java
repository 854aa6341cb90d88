package io.eventual.event.payment;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Failure;
import io.eventual.event.Identifier;

/** {@code payment.failed}: the payment was declined. */
public record PaymentFailed(@Identifier String orderId, @NotBlank String reason) implements Failure {
}
