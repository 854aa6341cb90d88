package io.eventual.shipping;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.shipping")
public interface ShippingConfig {

    /** ISO 3166 alpha-2 codes of the countries shipped to. */
    @WithDefault("AT,BE,CA,CH,CZ,DE,DK,ES,FI,FR,GB,IE,IT,LU,NL,NO,PL,PT,SE,US")
    Set<String> countries();

    /** Days from booking to the estimated delivery. */
    @WithDefault("3")
    int deliveryDays();
}
