package io.eventual.event;

import java.math.BigDecimal;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/** An amount in a currency: never a double. */
public record Money(@NotNull @PositiveOrZero BigDecimal amount, @NotNull @CurrencyCode String currency) {

    public static Money of(BigDecimal amount, String currency) {
        return new Money(amount, currency);
    }
}
