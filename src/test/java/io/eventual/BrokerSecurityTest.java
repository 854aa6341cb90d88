package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The broker's roles, tried with a raw AMQP client as a compromised function or an outside producer would: what each
 * account must not do is refused, what it needs still works. The embedded broker has the roles deployed brokers have
 * (both come from the catalogue, see BrokerAccess).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class BrokerSecurityTest {

    @Test
    void anonymousAndWrongPasswordConnectionsAreRefused() throws Exception {
        assertThatThrownBy(() -> new RawAmqp(null).close()).as("anonymous").rootCause()
                .hasMessageContaining("amqp:unauthorized-access").hasMessageContaining("Unable to validate user");
        Vertx vertx = Vertx.vertx();
        try {
            AmqpClient client = AmqpClient.create(vertx, new AmqpClientOptions().setHost("localhost")
                    .setPort(Integer.getInteger("test.amqp-port")).setUsername("payment").setPassword("guess"));
            assertThatThrownBy(() -> await(client.connect())).as("wrong password").rootCause()
                    .hasMessageContaining("Failed to authenticate");
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void aFunctionMayNotReadAnotherFunctionsQueueNorSendItsEvents() {
        try (RawAmqp payment = new RawAmqp("payment")) {
            assertThat(payment.refusedToConsume("order.placed::saga.order.placed")).as("read the saga's orders").isTrue();
            assertThat(payment.refusedToConsume("#::store.all")).as("read the store's copy").isTrue();
            assertThat(payment.refusedToSend("order.completed")).as("forge an outcome").isTrue();
            assertThat(payment.refusedToSend("shipping.schedule")).as("send the saga's command").isTrue();
            assertThat(payment.refusedToConsume("payment.process::drain")).as("create a queue").isTrue();
            assertThat(payment.refusedToSend("activemq.management")).as("manage the broker").isTrue();
            assertThat(payment.refusedToConsume("payment.process::payment.payment.process")).as("its own queue").isFalse();
        }
    }

    @Test
    void anOutsideProducerMaySendOnlyTheInboundTypesAndHearTheOutcomes() {
        String orderId = UUID.randomUUID().toString();
        try (RawAmqp producer = new RawAmqp("producer")) {
            assertThat(producer.refusedToSend("payment.processed")).as("forge a payment").isTrue();
            assertThat(producer.refusedToSend("order.cancelled")).as("forge an outcome").isTrue();
            assertThat(producer.refusedToConsume("payment.process::payment.payment.process")).as("drain a queue").isTrue();
            assertThat(producer.refusedToConsume("order.placed::spy")).as("create a durable queue").isTrue();

            producer.send("order.placed", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id",
                    UUID.randomUUID().toString(), "cloudEvents:source", "/shop", "cloudEvents:type", "order.placed"),
                    "application/json", """
                            {"orderId":"%s","customerId":"ada","currency":"EUR","shippingAddress":{"country":"DE"},
                             "items":[{"sku":"SKU-1","name":"Mug","quantity":1,"unitPrice":"2.00"}],"total":"2.00"}"""
                            .formatted(orderId));
        }
        awaitStatus(orderId, "COMPLETED");
    }

    @Test
    void overHttpOutsideServicesMayPublishOnlyTheInboundTypes() {
        given().header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/crm").header("ce-type", "payment.refunded")
                .contentType("application/json")
                .body("{\"orderId\":\"o-1\",\"amount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"}}")
                .when().post("/events")
                .then().statusCode(403).contentType("application/problem+json").body("field", equalTo("type"));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
