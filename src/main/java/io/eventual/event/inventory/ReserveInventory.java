package io.eventual.event.inventory;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.ItemQuantity;
import io.eventual.event.OrderEvent;

/** {@code inventory.reserve}: set aside every line of the order, or none. */
public record ReserveInventory(@Identifier String orderId, @NotEmpty List<@Valid @NotNull ItemQuantity> items) implements OrderEvent {
}
