package io.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Each process publishes only its own outbox rows; the rows of a process whose lease ran out (it died) are taken over
 * and published by another running the same functions within seconds, and a live process's rows are left alone.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OutboxTakeoverTest {

    @Inject
    Pool pool;

    @Test
    void theEventsOfAProcessWhoseLeaseRanOutArePublishedByAnother() {
        Db db = new Db(pool);
        // Owners are <functions>@<host>:<port>; this test's process runs every function.
        String peers = "inventory,payment,saga,shipping,store@";
        String alive = peers + "alive-" + UUID.randomUUID();
        db.execute("insert into outbox_lease (owner, expires_at) values ($1, now() + interval '1 hour')", alive);
        String orderId = UUID.randomUUID().toString();
        String eventId = unpublishedCharge(db, alive, orderId);
        String deadOrderId = UUID.randomUUID().toString();
        String deadEventId = unpublishedCharge(db, peers + "dead-" + UUID.randomUUID(), deadOrderId);
        // A dead process that ran other functions: its broker account, not this one's, may publish its rows.
        String strangerEventId = unpublishedCharge(db, "saga@dead-" + UUID.randomUUID(), UUID.randomUUID().toString());

        // A process without a lease is dead: its charge is published (test lease 2 s, renewed every 200 ms).
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'payment' and event_id = $1", deadEventId) == 1);
        assertThat(db.count("select count(*) from payment where order_id = $1", deadOrderId)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from outbox where event_id = $1", deadEventId) == 0);
        // The live one's is still its own: not published by this process.
        assertThat(db.count("select count(*) from outbox where event_id = $1", eventId)).isEqualTo(1);
        assertThat(db.count("select count(*) from processed_event where event_id = $1", eventId)).isZero();
        assertThat(db.count("select count(*) from outbox where event_id = $1", strangerEventId))
                .as("left for an instance of the functions that wrote it").isEqualTo(1);

        db.execute("update outbox_lease set expires_at = now() - interval '1 second' where owner = $1", alive);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'payment' and event_id = $1", eventId) == 1);
        assertThat(db.count("select count(*) from payment where order_id = $1", orderId)).isEqualTo(1);
        assertThat(db.count("select count(*) from outbox where event_id = $1", strangerEventId)).isEqualTo(1);
        db.execute("delete from outbox where event_id = $1", strangerEventId);
    }

    /** An outbox row as a process named {@code owner} writes it: a payment.process command. */
    private static String unpublishedCharge(Db db, String owner, String orderId) {
        String id = UUID.randomUUID().toString();
        JsonObject attributes = new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/test")
                .put("type", "payment.process").put("subject", orderId).put("time", Instant.now().toString())
                .put("datacontenttype", "application/json");
        String data = "{\"orderId\":\"%s\",\"customerId\":\"olga\",\"amount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"}}"
                .formatted(orderId);
        db.execute("insert into outbox (owner, event_id, type, subject, attributes, data) values ($1, $2, $3, $4, $5, $6)",
                owner, id, "payment.process", orderId, attributes.encode(), data);
        return id;
    }
}
