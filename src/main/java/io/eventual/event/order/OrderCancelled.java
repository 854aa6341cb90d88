package io.eventual.event.order;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Failure;
import io.eventual.event.Identifier;

/** {@code order.cancelled}: the order will not be fulfilled; every completed step has been compensated. */
public record OrderCancelled(@Identifier String orderId, @NotBlank String reason) implements Failure {
}
