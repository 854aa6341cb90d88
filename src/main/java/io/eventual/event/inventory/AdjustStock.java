package io.eventual.event.inventory;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.eventual.event.EventData;
import io.eventual.event.Identifier;

/**
 * {@code inventory.adjust}: correct what can be promised of {@code sku} by {@code delta} (a count, damage, loss), with
 * the reason; refused if it would leave less than nothing.
 */
public record AdjustStock(@Identifier String sku, @Min(-1_000_000) @Max(1_000_000) int delta,
        @NotBlank @Size(max = 200) String reason) implements EventData {

    @Override
    public String subject() {
        return Stock.stream(sku);
    }
}
