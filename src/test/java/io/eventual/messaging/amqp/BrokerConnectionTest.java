package io.eventual.messaging.amqp;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/** One consumer the broker refuses costs that consumer alone: the shared connection, publishing included, goes on. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class BrokerConnectionTest {

    @Inject
    Broker broker;

    @Test
    void aRefusedConsumerIsTriedAgainAloneWhileTheConnectionGoesOn() {
        Metrics before = Metrics.scrape();
        // This process's account may not read the broker's DLQ (the operator's alone).
        Broker.Subscription refused = broker.consume("DLQ::DLQ", delivery -> Uni.createFrom().voidItem());
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.scrape()
                    .since(before, "eventual_broker_attach_failures_total", Map.of()) >= 3);
            awaitStatus(place(order("attach", "DE", item("SKU-1", 1, "1.00"))), "COMPLETED");
            assertThat(Metrics.scrape().since(before, "eventual_broker_connections_total", Map.of()))
                    .as("connections opened meanwhile").isZero();
            assertThat(broker.isConnected()).isTrue();
        } finally {
            refused.cancel();
        }
    }
}
