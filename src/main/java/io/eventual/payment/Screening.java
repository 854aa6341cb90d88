package io.eventual.payment;

import java.math.BigDecimal;

import io.eventual.event.EventData;
import io.eventual.event.payment.PaymentFlagged;
import io.eventual.event.payment.PaymentScreened;
import io.eventual.event.payment.ScreenPayment;

/** The fraud screen before a charge: an order over the screening limit is flagged, any other passes. */
public record Screening(BigDecimal limit) {

    public EventData screen(ScreenPayment order) {
        if (order.amount().amount().compareTo(limit) > 0) {
            return new PaymentFlagged(order.orderId(), order.amount().amount().toPlainString() + " "
                    + order.amount().currency() + " is over the screening limit of " + limit.toPlainString());
        }
        return new PaymentScreened(order.orderId());
    }
}
