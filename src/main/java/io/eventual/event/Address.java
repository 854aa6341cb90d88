package io.eventual.event;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A shipping destination; only the country is required. */
public record Address(
        @NotBlank @CountryCode String country,
        @Size(max = 100) String city,
        @Size(max = 20) String postalCode,
        @Size(max = 200) String street) {
}
