package io.eventual.saga;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.saga")
public interface SagaConfig {

    /** Per step name (payment, inventory, shipping): how long to wait for its reply; overrides the saga definition. */
    Map<String, Duration> timeouts();

    /** How long to wait for compensations to be confirmed before sending them again. */
    @WithDefault("30s")
    Duration compensationTimeout();

    /**
     * The newest version of the order flow this process runs: new orders start on it, sagas on newer versions wait
     * for a process that runs them. Default: the newest this build has.
     */
    Optional<Integer> flowVersion();

    /** How often expired deadlines are looked for. */
    @WithDefault("1s")
    Duration timeoutCheckInterval();
}
