package io.eventual.event.payment;

import io.eventual.event.Identifier;
import io.eventual.event.OrderEvent;

/** {@code payment.screened}: nothing suspicious; the order may be charged. */
public record PaymentScreened(@Identifier String orderId) implements OrderEvent {
}
