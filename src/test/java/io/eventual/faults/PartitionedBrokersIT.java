package io.eventual.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventual.local.LocalInfrastructure;
import io.eventual.messaging.amqp.OrderPartition;
import io.eventual.testing.AppProcess;
import io.eventual.testing.Operator;
import io.eventual.testing.ScratchData;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.core.Vertx;

/**
 * Orders partitioned over two brokers by their id (docs/capacity.md; each broker stands for a pair): one process per
 * function and an event store, every process reading both brokers. Each order's outcome is published on its own
 * broker only, both brokers carry orders, every order ends with the fault suite's invariants, and the store has each
 * order's events in saga order.
 */
class PartitionedBrokersIT {

    static final int ORDERS = 200;

    static Path directory;
    static LocalInfrastructure database;
    static List<BrokerPairHost.Broker> brokers = new ArrayList<>();
    static List<AppProcess> processes = new ArrayList<>();
    static Batches batches;
    static Vertx vertx = Vertx.vertx();

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("eventual-partitioned");
        database = LocalInfrastructure.startDatabase(directory.resolve("database"), 0);
        for (int i = 0; i < 2; i++) {
            BrokerPairHost.Broker broker = BrokerPairHost.Broker.start(directory, "alone", AppProcess.freePort(),
                    AppProcess.freePort(), AppProcess.freePort(), 0);
            broker.awaitLine("READY", Duration.ofSeconds(60));
            brokers.add(broker);
        }
        Map<String, String> infrastructure = new java.util.LinkedHashMap<>(database.config());
        infrastructure.put("eventual.broker.partitions", brokers.stream().map(b -> "127.0.0.1:" + b.amqpPort())
                .collect(java.util.stream.Collectors.joining(",")));
        Map<String, String> config = Batches.config(infrastructure);
        processes.addAll(AppProcess.startSplit(config, directory));
        AppProcess store = new AppProcess("store", AppProcess.freePort(), AppProcess.running(config, "store"),
                AppProcess.TEST_JVM, directory);
        store.start();
        store.awaitReady();
        processes.add(store);
        batches = new Batches(config.get("quarkus.datasource.jdbc.url"), processes.get(2).port);
    }

    @AfterAll
    static void stop() throws Exception {
        processes.forEach(AppProcess::stop);
        for (BrokerPairHost.Broker broker : brokers) {
            broker.stop();
        }
        if (database != null) {
            database.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ScratchData.delete(directory);
    }

    @Test
    void eachOrderLivesOnTheBrokerOfItsId() throws Exception {
        // Who hears each order's outcome where: a subscriber to the outcomes on each broker.
        List<Set<String>> outcomes = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
        for (int i = 0; i < brokers.size(); i++) {
            var connection = AmqpClient.create(vertx, Operator.options("127.0.0.1", brokers.get(i).amqpPort())).connect()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (String outcome : List.of("order.completed", "order.cancelled")) {
                Set<String> heard = outcomes.get(i);
                connection.createReceiver(outcome, new AmqpReceiverOptions()).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).handler(message -> heard.add(message.groupId()));
            }
        }

        List<String> orders = batches.placeConcurrently("partitioned", ORDERS, 16);
        batches.assertInvariants("orders partitioned over two brokers", orders, 0);
        batches.assertRecordedInSagaOrder(orders);

        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.get(0).size() + outcomes.get(1).size() >= ORDERS);
        for (String order : orders) {
            int home = OrderPartition.of(order, 2);
            assertThat(outcomes.get(home)).as("the outcome of %s on its broker, %d", order, home).contains(order);
            assertThat(outcomes.get(1 - home)).as("the outcome of %s on the other broker", order).doesNotContain(order);
        }
        System.out.printf("partitioned: %d orders, %d on broker 0, %d on broker 1%n", orders.size(),
                outcomes.get(0).size(), outcomes.get(1).size());
        assertThat(outcomes).allSatisfy(heard -> assertThat(heard).hasSizeGreaterThan(ORDERS / 4));
    }
}
