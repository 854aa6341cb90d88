package io.eventual.event.inventory;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.ItemQuantity;
import io.eventual.event.OrderEvent;

/** {@code inventory.released}: the order's reservation is back in stock (empty when nothing was reserved). */
public record InventoryReleased(@Identifier String orderId, @NotNull List<@Valid @NotNull ItemQuantity> items) implements OrderEvent {
}
