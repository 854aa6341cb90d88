package io.eventual.event.order;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import io.eventual.event.Identifier;
import io.eventual.event.ItemQuantity;

/** One line of an order: a SKU and its name, how many, at what unit price (in the order's currency). */
public record LineItem(
        @Identifier String sku,
        @NotBlank @Size(max = 200) String name,
        @NotNull @Positive @Max(1_000_000) Integer quantity,
        @NotNull @Positive @DecimalMax("1000000000") BigDecimal unitPrice) {

    public BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }

    public ItemQuantity itemQuantity() {
        return new ItemQuantity(sku, quantity);
    }
}
