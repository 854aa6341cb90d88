package io.eventual.event.inventory;

import jakarta.validation.constraints.NotBlank;

import io.eventual.event.Failure;
import io.eventual.event.Identifier;

/** {@code inventory.failed}: nothing was reserved because {@code sku} is short. */
public record InventoryFailed(@Identifier String orderId, @Identifier String sku, @NotBlank String reason) implements Failure {
}
