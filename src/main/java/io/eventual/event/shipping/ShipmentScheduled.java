package io.eventual.event.shipping;

import java.time.LocalDate;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.eventual.event.Identifier;
import io.eventual.event.OrderEvent;

/** {@code shipping.scheduled}: a shipment is booked. */
public record ShipmentScheduled(@Identifier String orderId, @NotBlank String shipmentId,
        @NotNull LocalDate estimatedDelivery) implements OrderEvent {
}
