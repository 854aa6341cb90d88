package io.eventual.shipping;

import static io.eventual.event.EventType.SHIPPING_SCHEDULE;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.Event;
import io.eventual.event.EventData;
import io.eventual.event.EventType;
import io.eventual.event.shipping.ScheduleShipment;
import io.eventual.event.shipping.ShipmentScheduled;
import io.eventual.event.shipping.ShippingFailed;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.smallrye.mutiny.Uni;

/** Books a shipment to the countries it serves, and refuses the others. */
@ApplicationScoped
public class ShippingFunction implements EventFunction {

    static final String SOURCE = "/eventual/shipping";

    private final ShippingConfig config;

    ShippingFunction(ShippingConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "shipping";
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        return Map.of(SHIPPING_SCHEDULE, this::schedule);
    }

    Uni<List<Event>> schedule(Event event) {
        ScheduleShipment command = (ScheduleShipment) event.data();
        return Shipment.<Shipment> findById(command.orderId())
                .chain(existing -> existing != null ? Uni.createFrom().item(existing) : book(command).persist())
                .map(shipment -> List.of(event.cause(SOURCE, outcome((Shipment) shipment))));
    }

    private Shipment book(ScheduleShipment command) {
        return Shipment.book(command.orderId(), command.shipTo().country(), config.countries(),
                LocalDate.now(ZoneOffset.UTC).plusDays(config.deliveryDays()));
    }

    private static EventData outcome(Shipment shipment) {
        return shipment.status == Shipment.Status.SCHEDULED
                ? new ShipmentScheduled(shipment.orderId, shipment.shipmentId, shipment.estimatedDelivery)
                : new ShippingFailed(shipment.orderId, shipment.reason);
    }
}
