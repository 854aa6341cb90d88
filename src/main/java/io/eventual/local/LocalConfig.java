package io.eventual.local;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the embedded broker and database of dev mode. {@link LocalMode} reads them (system properties or
 * environment) before Quarkus starts; they are declared here so that Quarkus knows the keys.
 */
@ConfigMapping(prefix = "eventual.local")
public interface LocalConfig {

    @WithDefault("target/eventual-local")
    String directory();

    @WithDefault("5672")
    int amqpPort();

    @WithDefault("5433")
    int postgresPort();
}
