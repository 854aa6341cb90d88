package io.eventual.operations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Loops;
import io.eventual.messaging.Outage;
import io.eventual.store.Partitions;
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
 * Keeps the tables that grow with every order bounded. Each process deletes, in batches, the rows of the functions it
 * runs, as their database role may: the store the dedupe records ({@code processed_event}), idempotency keys and dead
 * letters; the saga ended sagas; payment, inventory and shipping their ledger rows (payments, reservations,
 * shipments). Safe because a duplicate of an event arrives within seconds of the original (a redelivery after a lost
 * acknowledgement, a republish after a relay crash, bounded by the broker's redelivery delays and the outbox lease),
 * far inside the default seven days, and a late duplicate still meets the functions' own business keys; and because a
 * saga ends within its step timeouts (minutes), so ledger rows a month old belong to ended orders, whose history stays
 * in the event store and the order view. The store also drops the event store's months past their retention
 * ({@link Partitions}); the order view keeps one row per order. Replicas of a function take turns through a try-lock
 * per function.
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

        /** How long an ended (completed or cancelled) saga is kept after its last step. */
        @WithDefault("30d")
        Duration endedSagas();

        /** How long the functions' ledger rows (payments, reservations, shipments) are kept. */
        @WithDefault("30d")
        Duration ledger();

        /** How long a dead letter is kept for an operator to redrive or discard. */
        @WithDefault("30d")
        Duration deadLetters();

        /**
         * How many months of events the event store keeps: this month and the ones before it; older months leave by
         * dropping their partition. 0 keeps every event.
         */
        @WithDefault("13")
        int eventStoreMonths();

        /**
         * A directory where each month of events is written (CloudEvents JSON lines, gzip, {@code event_store_YYYY_MM.jsonl.gz})
         * before its partition is dropped; unset: dropped without an archive.
         */
        Optional<Path> eventStoreArchive();

        /** How often old rows are deleted. */
        @WithDefault("10m")
        Duration interval();

        /** Most rows deleted per table and statement; a full batch is followed by another at once. */
        @WithDefault("5000")
        int batchSize();
    }

    /** Rows of {@code table} whose {@code column} is older than {@code age} (and that match {@code condition}). */
    private record Purge(String table, String column, String condition, Duration age, Counter deleted) {
    }

    private final Pool pool;
    private final Partitions partitions;
    private final Counter events;
    private final Vertx vertx;
    private final Config config;
    private final MeterRegistry registry;
    private final Map<String, List<Purge>> byFunction = new LinkedHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Outage outage = new Outage(LOG, "deleting old rows");
    private long timer = -1;

    Retention(Pool pool, Partitions partitions, Vertx vertx, Config config, MeterRegistry registry) {
        check(config);
        this.pool = pool;
        this.partitions = partitions;
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.events = deleted("event_store");
        add("store", "processed_event", "processed_at", "true", config.processedEvents());
        add("store", "idempotency_key", "created_at", "true", config.idempotencyKeys());
        add("store", "dead_letter", "created_at", "true", config.deadLetters());
        add("store", "dead_letter_history", "at", "true", config.deadLetters());
        add("store", "admin_job", "started_at", "state <> 'RUNNING'", config.deadLetters());
        add("saga", "saga", "updated_at", "status in ('COMPLETED', 'CANCELLED')", config.endedSagas());
        add("payment", "payment", "updated_at", "true", config.ledger());
        add("inventory", "inventory_reservation", "updated_at", "true", config.ledger());
        add("shipping", "shipping_shipment", "created_at", "true", config.ledger());
    }

    /** A retention of zero or less would delete every row at the next round: refused, before anything runs. */
    static void check(Config config) {
        Map<String, Duration> durations = new LinkedHashMap<>();
        durations.put("processed-events", config.processedEvents());
        durations.put("idempotency-keys", config.idempotencyKeys());
        durations.put("ended-sagas", config.endedSagas());
        durations.put("ledger", config.ledger());
        durations.put("dead-letters", config.deadLetters());
        durations.put("interval", config.interval());
        durations.forEach((name, duration) -> {
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("eventual.retention." + name + " must be positive, was " + duration);
            }
        });
        if (config.batchSize() < 1 || config.eventStoreMonths() < 0) {
            throw new IllegalArgumentException("eventual.retention.batch-size must be at least 1 and "
                    + "eventual.retention.event-store-months at least 0 (keep every month), were " + config.batchSize()
                    + " and " + config.eventStoreMonths());
        }
    }

    private void add(String function, String table, String column, String condition, Duration age) {
        byFunction.computeIfAbsent(function, f -> new ArrayList<>()).add(new Purge(table, column, condition, age, deleted(table)));
    }

    private Counter deleted(String table) {
        return Counter.builder("eventual.retention.deleted").tag("table", table)
                .description("Rows deleted by the retention job").register(registry);
    }

    void start(@Observes StartupEvent ignored, EventualConfig messaging) {
        if (messaging.functions().stream().anyMatch(byFunction::containsKey)) {
            Set<String> functions = Set.copyOf(messaging.functions());
            timer = vertx.setPeriodic(config.interval().toMillis(), t -> run(functions));
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    private void run(Set<String> functions) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Uni<Long> all = Uni.createFrom().item(0L);
        for (Map.Entry<String, List<Purge>> function : byFunction.entrySet()) {
            if (functions.contains(function.getKey())) {
                all = all.chain(before -> purge(function.getKey(), function.getValue()).map(n -> before + n));
            }
        }
        all.subscribe().with(deleted -> {
            running.set(false);
            outage.succeeded();
            if (deleted > 0) {
                LOG.infof("retention: deleted %d old rows", deleted);
            }
        }, error -> {
            running.set(false);
            outage.failed(error);
        });
    }

    /** One function's pass, by one replica at a time: batches, each its own transaction, until none is left. */
    private Uni<Long> purge(String function, List<Purge> purges) {
        long lock = LOCK + function.hashCode();
        // The lock belongs to the session, and the session goes back to the pool: it is released whatever the pass did,
        // or a failed pass would stop retention on every replica for as long as that connection lives.
        return pool.withConnection(conn -> conn.preparedQuery("select pg_try_advisory_lock($1) as locked").execute(Tuple.of(lock))
                .chain(rows -> !rows.iterator().next().getBoolean("locked") ? Uni.createFrom().item(0L)
                        : all(conn, purges).chain(
                                deleted -> "store".equals(function) ? months().map(n -> deleted + n) : Uni.createFrom().item(deleted))
                                .eventually(() -> conn.preparedQuery("select pg_advisory_unlock($1)").execute(Tuple.of(lock)))));
    }

    /** The event store's months: partitions ahead, and whole months past retention dropped (archived first if asked). */
    private Uni<Long> months() {
        return partitions.maintain(config.eventStoreMonths(), config.eventStoreArchive(), dropped -> events.increment(dropped.events()))
                .map(dropped -> dropped.stream().mapToLong(Partitions.Dropped::events).sum());
    }

    /** Rounds of one batch per table, until a round deletes nothing; the rows deleted in all. */
    private Uni<Long> all(SqlConnection conn, List<Purge> purges) {
        record Progress(long deleted, boolean more) {
        }
        return Loops.until(new Progress(0, true), progress -> {
            Uni<Long> round = Uni.createFrom().item(0L);
            for (Purge purge : purges) {
                round = round.chain(before -> batch(conn, purge).invoke(n -> purge.deleted().increment(n)).map(n -> before + n));
            }
            return round.map(deleted -> new Progress(progress.deleted() + deleted, deleted > 0));
        }, progress -> !progress.more()).map(Progress::deleted);
    }

    /**
     * The age and the batch size go into the text (numbers from the configuration), not into parameters: a prepared
     * statement's generic plan cannot see how old the cut-off is and, with a limit, prefers scanning the whole table
     * to the age index (V16).
     */
    private Uni<Long> batch(SqlConnection conn, Purge purge) {
        return conn.query("delete from " + purge.table() + " where ctid = any(array(select ctid from " + purge.table()
                + " where " + purge.column() + " < now() - interval '" + purge.age().toMillis() + " milliseconds' and "
                + purge.condition() + " limit " + config.batchSize() + "))").execute().map(rows -> (long) rows.rowCount());
    }
}
