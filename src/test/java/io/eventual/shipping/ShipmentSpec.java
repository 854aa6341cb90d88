package io.eventual.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The shipping rule, given/when/then, in milliseconds (the wiring: OrderFlowTest's unsupported country). */
class ShipmentSpec {

    static final Set<String> SERVED = Set.of("DE", "FR");
    static final LocalDate IN_THREE_DAYS = LocalDate.of(2026, 12, 9);

    @Test
    void anOrderToACountryServedIsScheduled() {
        Shipment shipment = Shipment.book("o-1", "DE", SERVED, IN_THREE_DAYS);
        assertThat(shipment.status).isEqualTo(Shipment.Status.SCHEDULED);
        assertThat(shipment.shipmentId).isNotBlank();
        assertThat(shipment.estimatedDelivery).isEqualTo(IN_THREE_DAYS);
    }

    @Test
    void anOrderToAnyOtherCountryIsRefusedNamingIt() {
        Shipment shipment = Shipment.book("o-1", "BR", SERVED, IN_THREE_DAYS);
        assertThat(shipment.status).isEqualTo(Shipment.Status.REJECTED);
        assertThat(shipment.reason).isEqualTo("no shipping to BR");
        assertThat(shipment.shipmentId).isNull();
    }
}
