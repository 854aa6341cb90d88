package io.eventual.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.eventual.messaging.amqp.Broker;
import io.eventual.messaging.outbox.Outbox;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * eventual's root configuration ({@code eventual.*}): what a process runs and how it reaches the broker, retries,
 * publishes and whom it lets in. Each function's own settings are mappings of their own (eventual.saga, eventual.payment,
 * ...); docs/configuration.md lists every key, and DocsTest keeps that list equal to the mappings.
 */
@ConfigMapping(prefix = "eventual")
public interface EventualConfig {

    /** Which functions this process runs: it opens consumers only for their queues. */
    @WithDefault("saga,payment,inventory,shipping,store")
    Set<String> functions();

    Broker broker();

    Retry retry();

    Outbox outbox();

    Consumer consumer();

    View view();

    /** Reads of the order view that ask to see a write ({@code Eventual-Min-Position}). */
    interface View {
        /** How long such a read waits at most for the view to reach the write before it answers anyway. */
        @WithDefault("2s")
        Duration maxWait();
    }

    /**
     * The broker account of the operator console (queue depth, consumers, pausing a function's queues at the broker):
     * the operator's, given only to the process that serves the console (the trigger). Absent: no broker figures.
     */
    Management management();

    interface Management {
        Optional<String> username();

        Optional<String> password();
    }

    /**
     * The embedded broker and database of dev mode: {@code LocalMode} reads these (system properties or environment)
     * before Quarkus starts; declared here, in eventual's one config root, so that setting them is not an error.
     */
    Local local();

    interface Local {
        @WithDefault("target/eventual-local")
        String directory();

        @WithDefault("5672")
        int amqpPort();

        @WithDefault("5433")
        int postgresPort();
    }

    /** Services outside eventual. */
    Producers producers();

    interface Producers {
        /**
         * The types outside services may publish, over HTTP ({@code POST /events}) and AMQP (the broker's
         * {@code producer} role); the others are eventual's own conversation. The catalogue's inbound types by default.
         */
        @WithDefault("order.placed,inventory.restock,inventory.adjust")
        Set<String> types();

        /**
         * Whether anyone may place orders over HTTP ({@code POST /orders}, {@code POST /events} of
         * {@code order.placed}) without credentials, as a public shop front does; the other types always need the
         * producer token or the admin's credentials.
         */
        @WithDefault("true")
        boolean anonymousOrders();

        /** Bearer tokens of outside services that publish over HTTP ({@code Authorization: Bearer <token>}). */
        Optional<List<String>> tokens();
    }

    interface Tls {
        @WithDefault("false")
        boolean enabled();

        /** PEM files of the CAs that sign the broker's certificate; the JVM's trusted CAs when absent. */
        Optional<List<String>> trustCerts();

        /** Whether the broker's certificate must name the host connected to (turn off only for tests). */
        @WithDefault("true")
        boolean verifyHost();
    }

    interface Consumer {
        /**
         * Messages handled at once per queue: different orders in parallel, one order's in sequence. Defaults to the
         * reactive connection pool's size.
         */
        java.util.OptionalInt concurrency();
    }

    interface Broker {
        @WithDefault("localhost")
        String host();

        @WithDefault("5672")
        int port();

        /**
         * The other brokers of a pair ({@code host} or {@code host:port}, the port above when absent), tried in turn
         * after {@code host} whenever a connection fails or is lost: the backup that has taken over answers.
         */
        Optional<List<String>> failoverHosts();

        /**
         * The broker pairs orders are partitioned over, when one pair is not enough (docs/capacity.md): one entry per
         * pair, in partition order, its brokers separated by spaces ({@code host} or {@code host:port}). An order's
         * events go to the pair of {@link io.eventual.messaging.amqp.OrderPartition}; every process reads every pair.
         * Absent: one pair, {@code host} and {@code failover-hosts}. Changing it strands the orders in flight.
         */
        Optional<List<String>> partitions();

        Optional<String> username();

        Optional<String> password();

        /** AMQP over TLS (AMQPS), verifying the broker's certificate and host name. */
        Tls tls();

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

        /**
         * How often each process renews its relay lease and takes over the unpublished events of processes whose lease
         * ran out (its own events are published right after commit, not polled).
         */
        @WithDefault("2s")
        Duration pollInterval();

        /** How long a process's claim on its unpublished events lasts without renewal (after a crash, the delay). */
        @WithDefault("10s")
        Duration lease();

        /**
         * How often a lease renewal also looks for unpublished events whose process has no lease at all (it died before
         * its first renewal, or a process of an older version deleted it), which takes a scan of the outbox.
         */
        @WithDefault("1m")
        Duration sweepInterval();
    }
}
