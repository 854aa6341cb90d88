package io.eventual.operations;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.metrics")
public interface OperationsConfig {

    /** How often the gauges read from the database (outbox backlog, sagas in flight, projection lag) are refreshed. */
    @WithDefault("5s")
    Duration refreshInterval();
}
