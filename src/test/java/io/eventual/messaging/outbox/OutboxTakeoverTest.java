package io.eventual.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Each process publishes only its own outbox rows; the rows of a process whose lease ran out (it died) are taken over
 * and published by another running the same functions within seconds, and a live process's rows are left alone. The
 * dead are found by their expired leases; rows of an owner without any lease are found by the occasional sweep (the
 * test profile sweeps only at start, so the test does it itself).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OutboxTakeoverTest {

    /** Owners are {@code <functions>@<host>:<port>}; this test's process runs every function. */
    private static final String PEERS = "inventory,payment,saga,shipping,store@";

    @Inject
    OutboxRelay relay;

    @Test
    void theEventsOfAProcessWhoseLeaseRanOutArePublishedByAnother() {
        Db db = Db.owner();
        String alive = lease(db, PEERS + "alive-" + UUID.randomUUID(), "1 hour");
        String orderId = UUID.randomUUID().toString();
        String eventId = unpublishedCharge(db, alive, orderId);
        String dead = lease(db, PEERS + "dead-" + UUID.randomUUID(), "-1 second");
        String deadOrderId = UUID.randomUUID().toString();
        String deadEventId = unpublishedCharge(db, dead, deadOrderId);
        String unleasedEventId = unpublishedCharge(db, PEERS + "unleased-" + UUID.randomUUID(), UUID.randomUUID().toString());
        // Dead processes that ran other functions: their broker account, not this one's, may publish their rows, and
        // their lease is left for a process of theirs to find.
        String strangerEventId = unpublishedCharge(db, "saga@dead-" + UUID.randomUUID(), UUID.randomUUID().toString());
        String expiredStranger = lease(db, "saga@expired-" + UUID.randomUUID(), "-1 second");
        String expiredStrangerEventId = unpublishedCharge(db, expiredStranger, UUID.randomUUID().toString());

        // A process whose lease ran out is dead: its charge is published (test lease 2 s, renewed every 200 ms).
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'payment' and event_id = $1", deadEventId) == 1);
        assertThat(db.count("select count(*) from payment where order_id = $1", deadOrderId)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from outbox where event_id = $1", deadEventId) == 0);
        assertThat(db.count("select count(*) from outbox_lease where owner = $1", dead)).as("the dead one's lease").isZero();
        // The live one's is still its own: not published by this process.
        assertThat(db.count("select count(*) from outbox where event_id = $1", eventId)).isEqualTo(1);
        assertThat(db.count("select count(*) from processed_event where event_id = $1", eventId)).isZero();
        // Renewals find the dead by their leases only: rows of an owner without one wait for a sweep.
        assertThat(db.count("select count(*) from outbox where event_id = $1 and owner like '%unleased-%'", unleasedEventId))
                .as("not taken over without a sweep").isEqualTo(1);

        relay.renewLease(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'payment' and event_id = $1", unleasedEventId) == 1);
        for (String stranger : List.of(strangerEventId, expiredStrangerEventId)) {
            assertThat(db.count("select count(*) from outbox where event_id = $1", stranger))
                    .as("left for an instance of the functions that wrote it").isEqualTo(1);
        }
        assertThat(db.count("select count(*) from outbox_lease where owner = $1", expiredStranger)).isEqualTo(1);

        db.execute("update outbox_lease set expires_at = now() - interval '1 second' where owner = $1", alive);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where consumer = 'payment' and event_id = $1", eventId) == 1);
        assertThat(db.count("select count(*) from payment where order_id = $1", orderId)).isEqualTo(1);
        db.execute("delete from outbox where event_id = any($1)", (Object) new String[] { strangerEventId, expiredStrangerEventId });
        db.execute("delete from outbox_lease where owner = $1", expiredStranger);
    }

    private static String lease(Db db, String owner, String expiresIn) {
        db.execute("insert into outbox_lease (owner, expires_at) values ($1, now() + $2::text::interval)", owner, expiresIn);
        return owner;
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
