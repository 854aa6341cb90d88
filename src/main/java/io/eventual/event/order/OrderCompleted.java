package io.eventual.event.order;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code order.completed}: paid, reserved and shipped. */
public record OrderCompleted(@Identifier String orderId, @Identifier String customerId, @NotNull @Valid Money total) implements OrderEvent {
}
