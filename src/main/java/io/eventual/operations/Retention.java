package io.eventual.operations;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.MessagingConfig;
import io.eventual.messaging.Outage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps the tables that grow with every event bounded: dedupe records ({@code processed_event}) and idempotency keys
 * older than their retention are deleted in batches. Safe because a duplicate of an event arrives within seconds of
 * the original (a redelivery after a lost acknowledgement, a republish after a relay crash, bounded by the broker's
 * redelivery delays and the outbox lease), far inside the default seven days; and a late duplicate still meets the
 * functions' own business keys (one saga, payment, reservation and shipment per order). Runs where the {@code store}
 * function runs; replicas take turns through a try-lock.
 */
@ApplicationScoped
class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    private static final long LOCK = 0x726574656e74L; // "retent"

    @ConfigMapping(prefix = "eventual.retention")
    interface Config {
        /** How long a consumer remembers an event it applied (its dedupe record). */
        @WithDefault("7d")
        Duration processedEvents();

        /** How long an Idempotency-Key of POST /orders is remembered. */
        @WithDefault("7d")
        Duration idempotencyKeys();

        /** How often old rows are deleted. */
        @WithDefault("10m")
        Duration interval();

        /** Most rows deleted per table and statement; a full batch is followed by another at once. */
        @WithDefault("5000")
        int batchSize();
    }

    private final Pool pool;
    private final Vertx vertx;
    private final Config config;
    private final Counter processedDeleted;
    private final Counter keysDeleted;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Outage outage = new Outage(LOG, "deleting old dedupe records");
    private long timer = -1;

    Retention(Pool pool, Vertx vertx, Config config, MeterRegistry registry) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.processedDeleted = Counter.builder("eventual.retention.deleted").tag("table", "processed_event")
                .description("Rows deleted by the retention job").register(registry);
        this.keysDeleted = Counter.builder("eventual.retention.deleted").tag("table", "idempotency_key")
                .description("Rows deleted by the retention job").register(registry);
    }

    void start(@Observes StartupEvent ignored, MessagingConfig messaging) {
        if (messaging.functions().contains("store")) {
            timer = vertx.setPeriodic(config.interval().toMillis(), t -> run());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    /** One pass on {@code conn}: deletes old rows batch by batch, each its own transaction, until none is left. */
    private Uni<Long> purge(SqlConnection conn) {
        return batch(conn, "processed_event", "processed_at", config.processedEvents())
                .invoke(n -> processedDeleted.increment(n))
                .chain(a -> batch(conn, "idempotency_key", "created_at", config.idempotencyKeys())
                        .invoke(n -> keysDeleted.increment(n)).map(b -> a + b))
                .chain(deleted -> deleted == 0 ? Uni.createFrom().item(0L) : purge(conn).map(more -> deleted + more));
    }

    private void run() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        pool.withConnection(conn -> conn.preparedQuery("select pg_try_advisory_lock($1) as locked").execute(Tuple.of(LOCK))
                .chain(rows -> !rows.iterator().next().getBoolean("locked") ? Uni.createFrom().item(0L)
                        : purge(conn).call(() -> conn.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(LOCK)))))
                .subscribe().with(deleted -> {
                    running.set(false);
                    outage.succeeded();
                    if (deleted > 0) {
                        LOG.infof("retention: deleted %d old dedupe records and idempotency keys", deleted);
                    }
                }, error -> {
                    running.set(false);
                    outage.failed(error);
                });
    }

    private Uni<Long> batch(SqlConnection conn, String table, String column, Duration age) {
        return conn.preparedQuery("delete from " + table + " where ctid = any(array(select ctid from " + table + " where "
                + column + " < now() - $1 * interval '1 millisecond' limit $2))")
                .execute(Tuple.of(age.toMillis(), config.batchSize())).map(rows -> (long) rows.rowCount());
    }
}
