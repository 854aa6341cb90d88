package io.eventual.projection;

import java.math.BigDecimal;
import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One row of the order view: what a list of orders shows. */
@RegisterForReflection // written as JSON outside REST signatures
public record OrderSummary(String orderId, String status, String customerId, BigDecimal total, String currency,
        String reason, String lastEventType, Instant lastEventAt, Instant placedAt) {

    OrderSummary with(String status, String lastEventType, Instant lastEventAt) {
        return new OrderSummary(orderId, status, customerId, total, currency, reason, lastEventType, lastEventAt, placedAt);
    }
}
