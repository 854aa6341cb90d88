package io.eventual.event.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import io.eventual.event.EventData;
import io.eventual.event.Identifier;

/** {@code inventory.restock}: {@code quantity} more of {@code sku} arrived (a delivery); a new SKU starts at it. */
public record Restock(@Identifier String sku, @Positive @Max(1_000_000) int quantity, @Size(max = 200) String reason) implements EventData {

    @Override
    public String subject() {
        return Stock.stream(sku);
    }
}
