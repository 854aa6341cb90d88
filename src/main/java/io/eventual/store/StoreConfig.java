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

    /**
     * How long the recorder waits for more events before writing a batch that is not full. The store is not on a
     * saga's path: this delays only the event store and the order view.
     */
    @WithDefault("20ms")
    java.time.Duration linger();
}
