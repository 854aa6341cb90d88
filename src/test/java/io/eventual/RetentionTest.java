package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;

/** Dedupe records and idempotency keys older than their retention are deleted; recent ones stay. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
@TestProfile(RetentionTest.ShortRetention.class)
class RetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventual.retention.processed-events", "1h", "eventual.retention.idempotency-keys", "1h",
                    "eventual.retention.interval", "300ms", "eventual.retention.batch-size", "2");
        }
    }

    @Inject
    Pool pool;

    @Test
    void oldDedupeRecordsAndIdempotencyKeysAreDeletedRecentOnesKept() {
        Db db = new Db(pool);
        double before = Metrics.scrape().value("eventual_retention_deleted_total", Map.of("table", "processed_event"));
        String old = "old-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            db.execute("insert into processed_event (consumer, event_id, processed_at) values ('payment', $1, now() - interval '2 hours')",
                    old + "-" + i);
        }
        db.execute("insert into idempotency_key (key, request_hash, order_id, created_at) values ($1, 'h', 'o', now() - interval '2 hours')", old);
        String orderId = place(order("rita", "DE", item("SKU-1", 1, "1.00")));
        awaitStatus(orderId, "COMPLETED");

        // Batches of 2: five old rows take three statements, all in one pass.
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "select count(*) from processed_event where event_id like $1", old + "%") == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("select count(*) from idempotency_key where key = $1", old) == 0);
        assertThat(db.count("select count(*) from processed_event where consumer = 'saga' and event_id in "
                + "(select event_id from event_store where stream_id = $1)", orderId)).as("the new order's dedupe records").isPositive();
        assertThat(Metrics.scrape().value("eventual_retention_deleted_total", Map.of("table", "processed_event")) - before)
                .isGreaterThanOrEqualTo(5);
    }
}
