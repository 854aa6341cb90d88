package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.eventual.event.EventType;
import io.eventual.local.LocalInfrastructure;
import io.eventual.messaging.amqp.BrokerAccess;
import io.eventual.store.Recorder;
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

    /**
     * Every account against every address and queue: it may send and consume exactly what the catalogue's rules grant
     * its roles, and everything else is refused for want of permission (amqp:unauthorized-access, nothing else).
     */
    @Test
    void everyAccountMayDoExactlyWhatTheCatalogueGrantsItsRoles() {
        Map<String, BrokerAccess.Rule> rules = new HashMap<>();
        BrokerAccess.rules(BrokerAccess.defaultInbound()).forEach(rule -> rules.put(rule.match(), rule));
        List<String> addresses = new ArrayList<>(List.of(BrokerAccess.DEAD_LETTERS, BrokerAccess.EXPIRED));
        List<String> queues = new ArrayList<>(List.of(Recorder.ADDRESS + "::" + Recorder.QUEUE,
                BrokerAccess.DEAD_LETTERS + "::" + BrokerAccess.DEAD_LETTERS, BrokerAccess.EXPIRED + "::" + BrokerAccess.EXPIRED));
        for (EventType type : EventType.values()) {
            addresses.add(type.typeName());
            type.consumers().forEach(consumer -> queues.add(type.fqqn(consumer)));
        }
        List<String> wrong = new ArrayList<>();
        int tried = 0;
        for (Map.Entry<String, Set<String>> account : new TreeMap<>(LocalInfrastructure.ACCOUNTS).entrySet()) {
            for (String address : addresses) {
                boolean may = granted(rules, address, BrokerAccess.Permission.SEND, account.getValue());
                // An allowed send is tried by its link alone: no garbage for the functions to park.
                if (as(account.getKey(), amqp -> amqp.refusedToSend(address, !may), "sending to " + address) == may) {
                    wrong.add(account.getKey() + (may ? " may but cannot" : " may not but can") + " send to " + address);
                }
                tried++;
            }
            for (String queue : queues) {
                boolean may = granted(rules, queue, BrokerAccess.Permission.CONSUME, account.getValue());
                if (as(account.getKey(), amqp -> amqp.refusedToConsume(queue), "consuming " + queue) == may) {
                    wrong.add(account.getKey() + (may ? " may but cannot" : " may not but can") + " consume " + queue);
                }
                tried++;
            }
        }
        assertThat(tried).as("checks").isGreaterThan(300);
        assertThat(wrong).isEmpty();
    }

    /** One try on a connection of its own, as {@code account}: a refused link may leave its session unusable. */
    private static boolean as(String account, java.util.function.Predicate<RawAmqp> attempt, String what) {
        try (RawAmqp amqp = new RawAmqp(account)) {
            return attempt.test(amqp);
        } catch (AssertionError e) {
            throw new AssertionError(account + " " + what, e);
        }
    }

    /** Whether {@code roles} hold {@code permission} on {@code target} under the most specific rule, as Artemis decides. */
    private static boolean granted(Map<String, BrokerAccess.Rule> rules, String target, BrokerAccess.Permission permission,
            Set<String> roles) {
        BrokerAccess.Rule rule = rules.getOrDefault(target, rules.getOrDefault(target.split("::")[0], rules.get("#")));
        return rule.roles().get(permission).stream().anyMatch(roles::contains);
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
