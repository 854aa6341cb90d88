package io.eventual.event.shipping;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Address;
import io.eventual.event.Identifier;
import io.eventual.event.ItemQuantity;
import io.eventual.event.OrderEvent;

/** {@code shipping.schedule}: book a shipment of the order's items to its address. */
public record ScheduleShipment(
        @Identifier String orderId,
        @NotNull @Valid Address shipTo,
        @NotEmpty List<@Valid @NotNull ItemQuantity> items) implements OrderEvent {
}
