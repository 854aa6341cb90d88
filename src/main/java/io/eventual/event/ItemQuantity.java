package io.eventual.event;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** How many of one SKU. */
public record ItemQuantity(@NotBlank @Size(max = 64) String sku, @Positive @Max(1_000_000) int quantity) {
}
