package io.eventual.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "eventual")
public interface MessagingConfig {

    /** Which functions this process runs: it opens consumers only for their queues. */
    @WithDefault("saga,payment,inventory,shipping,store")
    Set<String> functions();

    Broker broker();

    Retry retry();

    Outbox outbox();

    interface Broker {
        @WithDefault("localhost")
        String host();

        @WithDefault("5672")
        int port();

        Optional<String> username();

        Optional<String> password();

        /** Delay before reconnecting after the connection to the broker is lost. */
        @WithDefault("1s")
        Duration reconnectInterval();

        /** Unsettled messages a consumer may hold per queue (AMQP link credit). */
        @WithDefault("64")
        int credits();
    }

    interface Retry {
        /** Attempts at handling one event before it is parked as a dead letter. */
        @WithDefault("5")
        int attempts();

        @WithDefault("100ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }

    interface Outbox {
        /** Events the relay publishes per transaction. */
        @WithDefault("200")
        int batchSize();

        /** How often the relay looks for unsent events besides being woken by a commit. */
        @WithDefault("1s")
        Duration pollInterval();
    }
}
