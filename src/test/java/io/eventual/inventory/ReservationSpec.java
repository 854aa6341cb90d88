package io.eventual.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The reservation rule, given/when/then, in milliseconds (the wiring: OrderFlowTest's races for the last units). */
class ReservationSpec {

    static Map<String, Integer> lines(Object... skuThenQuantity) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < skuThenQuantity.length; i += 2) {
            lines.put((String) skuThenQuantity[i], (Integer) skuThenQuantity[i + 1]);
        }
        return lines;
    }

    @Test
    void everyLineInStockIsReserved() {
        Reservation reservation = Reservation.decide("o-1", lines("A", 2, "B", 5), lines("A", 2, "B", 9));
        assertThat(reservation.status).isEqualTo(Reservation.Status.RESERVED);
        assertThat(reservation.sku).isNull();
    }

    @Test
    void oneShortLineFailsTheWholeOrderNamingItsSku() {
        Reservation reservation = Reservation.decide("o-1", lines("A", 2, "B", 5), lines("A", 9, "B", 4));
        assertThat(reservation.status).isEqualTo(Reservation.Status.FAILED);
        assertThat(reservation.sku).isEqualTo("B");
        assertThat(reservation.reason).isEqualTo("insufficient stock of B: 5 requested, 4 available");
    }

    @Test
    void aSkuWithoutStockIsShort() {
        Reservation reservation = Reservation.decide("o-1", lines("NEW", 1), Map.of());
        assertThat(reservation.status).isEqualTo(Reservation.Status.FAILED);
        assertThat(reservation.reason).isEqualTo("insufficient stock of NEW: 1 requested, 0 available");
    }
}
