package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.server.ServerCnxnFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventual.testing.AppProcess;
import io.eventual.testing.ScratchData;

/**
 * No single point of failure, tried: the broker pair as deployed (deploy/base/artemis: broker.xml, ha-primary.xml,
 * ha-backup.xml, connectors.xml, each broker its own process, the lock in a real ZooKeeper), PostgreSQL with a
 * synchronous standby behind one address, one process per function knowing both brokers, open-loop orders. The live
 * broker is killed with SIGKILL at 30 s; the database primary at 60 s, and its standby promoted. Every order ends,
 * nothing is charged or reserved twice, money and stock are conserved, no dead letters, and completions stop for no
 * longer than a failover window.
 */
class FailoverIT {

    static final int RATE = 12;
    static final Duration LOAD = Duration.ofSeconds(90);
    static final Duration BROKER_KILLED_AT = Duration.ofSeconds(30);
    static final Duration DATABASE_KILLED_AT = Duration.ofSeconds(60);
    /** docs/availability.md, "The broker pair": the lock's ZooKeeper session (8 s) lapses, the backup activates, clients reconnect. */
    static final Duration LONGEST_GAP = Duration.ofSeconds(15);

    static Path directory;
    static ServerCnxnFactory zookeeper;
    static PostgresPair database;
    static BrokerPairHost.Broker primary;
    static BrokerPairHost.Broker backup;
    static List<AppProcess> processes = List.of();
    static Batches batches;
    static java.time.Instant loadStarted;
    /** ZooKeeper's server logs every session at INFO; kept here so the level set stays. */
    static final java.util.logging.Logger ZOOKEEPER_LOG = java.util.logging.Logger.getLogger("org.apache.zookeeper");

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("eventual-failover");
        ZOOKEEPER_LOG.setLevel(java.util.logging.Level.WARNING);
        int zookeeperPort = AppProcess.freePort();
        zookeeper = BrokerPairHost.zookeeper(directory.resolve("zookeeper"), zookeeperPort);
        database = PostgresPair.start(directory.resolve("database"), true);

        int[] amqp = { AppProcess.freePort(), AppProcess.freePort() };
        int[] replication = { AppProcess.freePort(), AppProcess.freePort() };
        primary = BrokerPairHost.Broker.start(directory, "primary", amqp[0], replication[0], replication[1], zookeeperPort);
        primary.awaitLine("READY", Duration.ofSeconds(60));
        backup = BrokerPairHost.Broker.start(directory, "backup", amqp[1], replication[1], replication[0], zookeeperPort);
        backup.awaitLine("READY", Duration.ofSeconds(60));

        Map<String, String> infrastructure = new LinkedHashMap<>(database.config());
        infrastructure.put("eventual.broker.host", "127.0.0.1");
        infrastructure.put("eventual.broker.port", Integer.toString(primary.amqpPort()));
        infrastructure.put("eventual.broker.failover-hosts", "127.0.0.1:" + backup.amqpPort());
        Map<String, String> config = Batches.config(infrastructure);
        processes = AppProcess.startSplit(config, directory);
        batches = new Batches(database.jdbcUrl(), processes.get(2).port);
    }

    @AfterAll
    static void stop() throws Exception {
        processes.forEach(AppProcess::stop);
        for (BrokerPairHost.Broker broker : new BrokerPairHost.Broker[] { primary, backup }) {
            if (broker != null) {
                broker.stop();
            }
        }
        if (database != null) {
            database.close();
        }
        if (zookeeper != null) {
            zookeeper.shutdown();
        }
        ScratchData.delete(directory);
    }

    @Test
    void theLiveBrokerAndTheDatabasePrimaryKilledUnderLoad() throws Exception {
        List<String> orders = placeOpenLoop("failover", Map.of(
                BROKER_KILLED_AT, () -> {
                    primary.process().destroyForcibly();
                    Batches.run(() -> primary.process().waitFor());
                },
                DATABASE_KILLED_AT, () -> Batches.run(() -> {
                    database.killPrimary();
                    database.promoteStandby();
                })));
        backup.awaitLine("LIVE", Duration.ofSeconds(30));
        batches.assertInvariants("kill -9 of the live broker, then of the database primary", orders, 0);
        Duration brokerGap = longestGapBetweenCompletions(orders, BROKER_KILLED_AT);
        Duration databaseGap = longestGapBetweenCompletions(orders, DATABASE_KILLED_AT);
        System.out.printf("failover: %d orders at %d/s; longest gap without a completion after the live broker was "
                + "killed (%d s): %d ms, after the database primary was (%d s): %d ms%n", orders.size(), RATE,
                BROKER_KILLED_AT.toSeconds(), brokerGap.toMillis(), DATABASE_KILLED_AT.toSeconds(), databaseGap.toMillis());
        Duration gap = longestGapBetweenCompletions(orders, Duration.ZERO);
        assertThat(gap).as("longest time without a completed order").isLessThan(LONGEST_GAP);
    }

    /** {@link #RATE} orders a second for {@link #LOAD}, whatever the system does; each fault at its time. */
    static List<String> placeOpenLoop(String scenario, Map<Duration, Runnable> faults) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> placed = new ArrayList<>();
            long period = 1_000_000_000L / RATE;
            long start = System.nanoTime();
            loadStarted = java.time.Instant.now();
            for (int i = 0; i < RATE * LOAD.toSeconds(); i++) {
                TimeUnit.NANOSECONDS.sleep(start + i * period - System.nanoTime());
                int second = i / RATE;
                if (i % RATE == 0 && faults.containsKey(Duration.ofSeconds(second))) {
                    clients.submit(faults.get(Duration.ofSeconds(second)));
                }
                int n = i;
                placed.add(clients.submit(() -> batches.place(scenario + "-" + n, batches.order(scenario, n))));
            }
            List<String> orders = new ArrayList<>();
            for (Future<String> order : placed) {
                orders.add(order.get(120, TimeUnit.SECONDS));
            }
            return orders;
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * The longest time between two orders' ends (or from {@code after} to the first end after it) within the 30 s
     * after {@code after} (from the start of the load), up to the last end.
     */
    static Duration longestGapBetweenCompletions(List<String> orders, Duration after) {
        long from = loadStarted.toEpochMilli() + after.toMillis();
        long to = after.isZero() ? Long.MAX_VALUE : from + 30_000;
        List<Long> ends = new ArrayList<>();
        batches.query("select updated_at from saga where id = any(?) order by updated_at", orders,
                rs -> ends.add(rs.getTimestamp(1).getTime()));
        long longest = 0;
        long previous = after.isZero() ? ends.get(0) : from;
        for (long end : ends) {
            if (end >= previous && end <= to) {
                longest = Math.max(longest, end - previous);
                previous = end;
            }
        }
        return Duration.ofMillis(longest);
    }
}
