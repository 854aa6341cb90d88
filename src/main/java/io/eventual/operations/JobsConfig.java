package io.eventual.operations;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.jobs")
public interface JobsConfig {

    /**
     * A running background job whose process has not reported for this long is taken over by another process that
     * serves the admin API, from where it stood. Every round reports, so this only has to outlast one round.
     */
    @WithDefault("30s")
    Duration lease();
}
