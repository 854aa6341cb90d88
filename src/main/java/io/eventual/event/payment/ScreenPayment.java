package io.eventual.event.payment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code payment.screen}: check the order for fraud before anything is charged (flow version 2 on). */
public record ScreenPayment(@Identifier String orderId, @Identifier String customerId,
        @NotNull @Valid Money amount) implements OrderEvent {
}
