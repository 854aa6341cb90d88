package io.eventual.saga;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.EventData;
import io.eventual.event.Money;

/** {@code order.completed}: paid, reserved and shipped. */
public record OrderCompleted(@NotBlank String orderId, @NotBlank String customerId, @NotNull @Valid Money total)
        implements EventData {
}
