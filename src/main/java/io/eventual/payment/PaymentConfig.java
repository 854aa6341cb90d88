package io.eventual.payment;

import java.math.BigDecimal;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.payment")
public interface PaymentConfig {

    /** Credit of a customer seen for the first time, in the currency of their order. */
    @WithDefault("1000.00")
    BigDecimal defaultCreditLimit();

    /** Credit limits of known customers, by customer id. */
    Map<String, BigDecimal> creditLimits();

    /** Orders over this amount (in any currency) are flagged by the fraud screen and not charged (flow version 2). */
    @WithDefault("10000")
    BigDecimal screeningLimit();
}
