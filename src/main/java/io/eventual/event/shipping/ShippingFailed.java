package io.eventual.event.shipping;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Failure;
import io.eventual.event.Identifier;

/** {@code shipping.failed}: no shipment could be booked. */
public record ShippingFailed(@Identifier String orderId, @NotBlank String reason) implements Failure {
}
