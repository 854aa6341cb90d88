package io.eventual.event.order;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.eventual.event.Address;
import io.eventual.event.CurrencyCode;
import io.eventual.event.Identifier;
import io.eventual.event.ItemQuantity;
import io.eventual.event.Money;
import io.eventual.event.OrderEvent;

/** {@code order.placed}: a customer placed an order. Its total must equal the sum of its lines. */
@TotalMatchesItems
public record OrderPlaced(
        @Identifier String orderId,
        @Identifier String customerId,
        @NotEmpty @Size(max = 100) List<@Valid @NotNull LineItem> items,
        @NotNull @CurrencyCode String currency,
        @NotNull @Valid Address shippingAddress,
        @NotNull BigDecimal total) implements OrderEvent {

    public static BigDecimal totalOf(List<LineItem> items) {
        return items.stream().map(LineItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public Money totalMoney() {
        return Money.of(total, currency);
    }

    public List<ItemQuantity> quantities() {
        return items.stream().map(LineItem::itemQuantity).toList();
    }
}
