package io.eventual.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The relay when something goes wrong with one row: a commit it never heard of, a row the broker refuses, a row a
 * function's role forged for another's account, a take-over of many rows. Each is published once, parked, or refused,
 * and never holds up the rest.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OutboxFailuresTest {

    @Inject
    OutboxRelay relay;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void aRowWhoseCommitTheProcessNeverHeardOfIsPublishedWhileItLives() {
        Db db = Db.owner();
        // As if the COMMIT's answer had been lost: the row is in the table, owned by this live process, not in memory.
        String eventId = row(db, relay.owner(), "payment.process", null, charge(UUID.randomUUID().toString()), Map.of(),
                "1 minute");
        await().atMost(Duration.ofSeconds(10)).until(() -> applied("payment", eventId, db));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from outbox where event_id = $1", eventId) == 0);
    }

    @Test
    void aRowTheBrokerRefusesIsParkedAndTheRowsAfterItArePublished() {
        Db db = Db.owner();
        // This process's account may not send to the broker's DLQ (the operator's alone); an invalid priority is no
        // reason not to deliver (its consumer refuses it, saying why); the charge after both must go out all the same.
        String refused = row(db, relay.owner(), "payment.process", "DLQ", charge(UUID.randomUUID().toString()), Map.of(), "0 seconds");
        String urgent = row(db, relay.owner(), "payment.process", null, charge(UUID.randomUUID().toString()),
                Map.of("priority", "URGENT!"), "0 seconds");
        String after = row(db, relay.owner(), "payment.process", null, charge(UUID.randomUUID().toString()), Map.of(), "0 seconds");
        relay.written();

        await().atMost(Duration.ofSeconds(10)).until(() -> applied("payment", after, db));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from dead_letter where event_id = $1", refused) == 1);
        assertThat(db.text("select consumer || ' ' || queue || ': ' || reason from dead_letter where event_id = $1", refused))
                .startsWith("outbox DLQ: refused by the broker: message rejected (REJECTED)");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from dead_letter where event_id = $1", urgent) == 1);
        assertThat(db.text("select consumer || ': ' || reason from dead_letter where event_id = $1", urgent))
                .isEqualTo("payment: invalid event: priority: must be LOW, NORMAL or HIGH, was URGENT!");
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from outbox where event_id = any($1)", (Object) new String[] { refused, urgent, after }) == 0);
    }

    @Test
    void aFunctionsRoleWritesOnlyRowsItsOwnAccountPublishes() throws Exception {
        String forged = "new row violates row-level security policy for table \"outbox\"";
        try (Connection payment = DriverManager.getConnection(jdbcUrl, "eventual_payment", "eventual_payment")) {
            payment.setAutoCommit(false);
            assertThatThrownBy(() -> insert(payment, "store@trigger-0:8080")).as("as the trigger's process").hasMessageContaining(forged);
            payment.rollback();
            assertThatThrownBy(() -> insert(payment, null)).as("as nobody").hasMessageContaining(forged);
            payment.rollback();
            assertThatThrownBy(() -> insert(payment, "payment,shipping@x:1")).as("as payment and shipping").hasMessageContaining(forged);
            payment.rollback();
            insert(payment, "payment@payment-0:8080");
            payment.rollback();
        }
        try (Connection trigger = DriverManager.getConnection(jdbcUrl, "eventual_trigger", "eventual_trigger")) {
            trigger.setAutoCommit(false);
            insert(trigger, "store@trigger-0:8080");
            trigger.rollback();
            assertThatThrownBy(() -> insert(trigger, "saga@saga-0:8080")).hasMessageContaining(forged);
            trigger.rollback();
        }

        // A row without an owner (only the schema owner can write one) is nobody's to publish; a sweep leaves it, and
        // a row this process writes after it is published.
        Db db = Db.owner();
        String orphan = row(db, null, "payment.process", null, charge(UUID.randomUUID().toString()), Map.of(), "1 minute");
        relay.renewLease(true);
        String sentinel = row(db, relay.owner(), "payment.process", null, charge(UUID.randomUUID().toString()), Map.of(), "0 seconds");
        relay.written();
        await().atMost(Duration.ofSeconds(10)).until(() -> applied("payment", sentinel, db));
        assertThat(db.count("select count(*) from outbox where event_id = $1 and owner is null", orphan)).isEqualTo(1);
        assertThat(applied("payment", orphan, db)).isFalse();
        db.execute("delete from outbox where event_id = $1", orphan);
    }

    @Test
    void aTakeOverOfManyRowsReadsEachRowOnce() {
        Db db = Db.owner();
        String dead = "inventory,payment,saga,shipping,store@dead-" + UUID.randomUUID();
        String sku = "TAKEOVER-" + UUID.randomUUID().toString().substring(0, 8);
        int rows = 1000;
        Metrics before = Metrics.scrape();
        db.execute("""
                insert into outbox (owner, event_id, type, subject, attributes, data)
                select $1, id, 'inventory.restock', 'sku:' || $2,
                       json_build_object('specversion', '1.0', 'id', id, 'source', '/test', 'type', 'inventory.restock',
                                         'subject', 'sku:' || $2, 'datacontenttype', 'application/json')::text,
                       json_build_object('sku', $2, 'quantity', 1, 'reason', 'take-over')::text
                from (select gen_random_uuid()::text as id from generate_series(1, $3)) ids""", dead, sku, rows);
        // Its lease after its rows: a renewal between the two would delete the expired lease and take nothing over.
        db.execute("insert into outbox_lease (owner, expires_at) values ($1, now() - interval '1 second')", dead);

        await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(rows).equals(
                db.integer("select available from inventory_stock where sku = $1", sku)));
        double read = Metrics.scrape().since(before, "eventual_outbox_read_total", Map.of());
        assertThat(read).as("rows read back from the table for %d taken over", rows).isBetween((double) rows, rows * 1.2);
    }

    private static boolean applied(String consumer, String eventId, Db db) {
        return db.count("select count(*) from processed_event where consumer = $1 and event_id = $2", consumer, eventId) == 1;
    }

    private static String charge(String orderId) {
        return "{\"orderId\":\"%s\",\"customerId\":\"olga\",\"amount\":{\"amount\":\"2.00\",\"currency\":\"EUR\"}}".formatted(orderId);
    }

    /** An outbox row of {@code type}, written {@code age} ago by {@code owner}; returns its event id. */
    private static String row(Db db, String owner, String type, String address, String data, Map<String, String> extra, String age) {
        String id = UUID.randomUUID().toString();
        String subject = new JsonObject(data).getString("orderId");
        JsonObject attributes = new JsonObject().put("specversion", "1.0").put("id", id).put("source", "/test")
                .put("type", type).put("subject", subject).put("time", Instant.now().toString())
                .put("datacontenttype", "application/json");
        extra.forEach(attributes::put);
        db.execute("insert into outbox (owner, event_id, type, subject, attributes, data, address, created_at) "
                + "values ($1, $2, $3, $4, $5, $6, $7, now() - $8::text::interval)", owner, id, type, subject,
                attributes.encode(), data, address, age);
        return id;
    }

    private static void insert(Connection connection, String owner) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("insert into outbox (owner, event_id, type, subject, "
                + "attributes, data, address) values (?, 'forged', 'shipping.schedule', 'o-1', '{}', '{}', "
                + "'shipping.schedule::shipping.shipping.schedule')")) {
            insert.setString(1, owner);
            insert.executeUpdate();
        }
    }
}
