package io.eventual;

import static io.eventual.testing.Events.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.amqp.AmqpMessage;

/** A process started for one function, with that function's accounts, consumes only that function's queues. */
@QuarkusTest
@TestProfile(FunctionIsolationTest.PaymentOnly.class)
@QuarkusTestResource(EmbeddedInfrastructure.class)
class FunctionIsolationTest {

    public static class PaymentOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // As deployed: payment's own broker account and database role (migrations still run as the schema owner).
            return Map.of("eventual.functions", "payment", "eventual.broker.username", "payment", "eventual.broker.password",
                    "payment", "quarkus.datasource.username", "eventual_payment", "quarkus.datasource.password",
                    "eventual_payment");
        }
    }

    @Test
    void aPaymentOnlyInstanceLeavesOtherFunctionsEventsInTheirQueues() {
        Db db = Db.owner();
        String orderId = UUID.randomUUID().toString();
        String reserveId = publish("inventory.reserve",
                "{\"orderId\":\"%s\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}]}".formatted(orderId));
        publish("payment.process",
                "{\"orderId\":\"%s\",\"customerId\":\"frank\",\"amount\":{\"amount\":\"12.00\",\"currency\":\"EUR\"}}".formatted(orderId));

        await().atMost(Duration.ofSeconds(15))
                .until(() -> "CHARGED".equals(db.text("select status from payment where order_id = $1", orderId)));
        assertThat(db.count("select count(*) from inventory_reservation where order_id = $1", orderId)).isZero();
        try (RawAmqp amqp = new RawAmqp()) {
            AmqpMessage waiting = amqp.take("inventory.reserve::inventory.inventory.reserve", Duration.ofSeconds(5),
                    message -> reserveId.equals(message.applicationProperties().getString("cloudEvents:id")));
            assertThat(waiting).as("inventory.reserve still queued for the inventory function").isNotNull();
        }
    }
}
