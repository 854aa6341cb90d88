package io.eventual.event.payment;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import io.eventual.event.CurrencyCode;
import io.eventual.event.EventData;
import io.eventual.event.Identifier;

/**
 * {@code payment.set-credit-limit}: from now on {@code customerId} may have up to {@code limit} charged in
 * {@code currency}. What is charged already stays charged, even above a lowered limit.
 */
public record SetCreditLimit(@Identifier String customerId, @NotNull @CurrencyCode String currency,
        @NotNull @PositiveOrZero @DecimalMax("1000000000") BigDecimal limit) implements EventData {

    @Override
    public String subject() {
        return "customer:" + customerId;
    }
}
