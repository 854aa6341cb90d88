package io.eventual.event.inventory;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Identifier;
import io.eventual.event.OrderEvent;

/** {@code inventory.release}: put the order's reserved stock back. */
public record ReleaseInventory(@Identifier String orderId, @NotBlank String reason) implements OrderEvent {
}
