package io.eventual.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.eventual.event.Money;
import io.eventual.event.payment.PaymentFlagged;
import io.eventual.event.payment.PaymentScreened;
import io.eventual.event.payment.ScreenPayment;

/** The fraud screen, given/when/then (the wiring: FlowVersionsIT, OrderFlowTest). */
class ScreeningSpec {

    final Screening screening = new Screening(new BigDecimal("10000"));

    static ScreenPayment order(String amount) {
        return new ScreenPayment("o-1", "c-1", Money.of(new BigDecimal(amount), "EUR"));
    }

    @Test
    void anOrderUpToTheLimitPasses() {
        assertThat(screening.screen(order("10000.00"))).isEqualTo(new PaymentScreened("o-1"));
    }

    @Test
    void anOrderOverTheLimitIsFlaggedWithTheReason() {
        assertThat(screening.screen(order("10000.01")))
                .isEqualTo(new PaymentFlagged("o-1", "10000.01 EUR is over the screening limit of 10000"));
    }
}
