package io.eventual.saga;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.saga")
public interface SagaConfig {

    /** Per step name (payment, inventory, shipping): how long to wait for its reply; overrides the saga definition. */
    Map<String, Duration> timeouts();

    /** How long to wait for compensations to be confirmed before sending them again. */
    @WithDefault("30s")
    Duration compensationTimeout();

    /** How often expired deadlines are looked for. */
    @WithDefault("1s")
    Duration timeoutCheckInterval();
}
