package io.eventual.event;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

/** How many of one SKU. */
public record ItemQuantity(@Identifier String sku, @Positive @Max(1_000_000) int quantity) {
}
