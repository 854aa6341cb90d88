package io.eventual.event.payment;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Identifier;
import io.eventual.event.Failure;

/** {@code payment.failed}: the payment was declined. */
public record PaymentFailed(@Identifier String orderId, @NotBlank String reason) implements Failure {
}
