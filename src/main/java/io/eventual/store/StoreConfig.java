package io.eventual.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual.store")
public interface StoreConfig {

    /** A stream's state is snapshotted every this many events. */
    @WithDefault("10")
    int snapshotEvery();

    /** Most events the recorder writes in one statement and transaction (those that arrived meanwhile). */
    @WithDefault("100")
    int batchSize();
}
