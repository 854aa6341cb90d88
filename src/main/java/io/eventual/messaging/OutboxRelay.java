package io.eventual.messaging;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed outbox events to the broker in the order they were written, then deletes them. It is woken
 * right after a commit in this process, by PostgreSQL {@code NOTIFY} for commits of other processes, and by a slow
 * poll as a safety net. A transaction-scoped advisory lock
 * lets one relay at a time publish, which keeps each order's events in order; a crash after publishing and before
 * deleting only republishes, and consumers drop the duplicates.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long LOCK_KEY = 0x6576656e7475616cL; // "eventual"

    private final Pool pool;
    private final Broker broker;
    private final Vertx vertx;
    private final MessagingConfig.Outbox config;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Outage outage = new Outage(LOG, "publishing the outbox");
    private final Tracing tracing;
    private final Timer publishLatency;
    private volatile boolean stopped;
    private long timer = -1;
    private PgSubscriber subscriber;

    OutboxRelay(Pool pool, Broker broker, Vertx vertx, MessagingConfig config, Tracing tracing, MeterRegistry registry) {
        this.pool = pool;
        this.broker = broker;
        this.vertx = vertx;
        this.config = config.outbox();
        this.tracing = tracing;
        this.publishLatency = Timer.builder("eventual.outbox.publish.latency")
                .description("From the transaction that wrote an event to the broker accepting it")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent ignored, io.vertx.mutiny.core.Vertx mutinyVertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        broker.onConnected(this::wake);
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), t -> wake());
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(mutinyVertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(Outbox.CHANNEL).handler(payload -> wake());
        subscriber.connect().subscribe().with(ok -> LOG.debug("listening for outbox commits"),
                error -> LOG.warnf("cannot listen for outbox commits (%s); polling every %s", error.getMessage(),
                        config.pollInterval()));
    }

    void stop(@Observes ShutdownEvent ignored) {
        stopped = true;
        vertx.cancelTimer(timer);
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Events waiting to be published, and the age of the oldest in seconds. */
    public record Backlog(long events, double oldestSeconds) {
    }

    public Uni<Backlog> backlog() {
        return pool.query("select count(*) as events, coalesce(extract(epoch from now() - min(created_at)), 0) as seconds from outbox")
                .execute().map(rows -> {
                    Row row = rows.iterator().next();
                    return new Backlog(row.getLong("events"), row.getNumeric("seconds").doubleValue());
                });
    }

    /** Asks for a publishing round; cheap to call often, at most one round runs at a time. */
    public void wake() {
        if (stopped || !broker.isConnected()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        pool.withTransaction(this::publishBatch).subscribe().with(published -> {
            running.set(false);
            outage.succeeded();
            if (published >= config.batchSize() || again.get()) {
                wake();
            }
        }, error -> {
            running.set(false);
            outage.failed(error);
        });
    }

    private Uni<Integer> publishBatch(SqlConnection conn) {
        return conn.preparedQuery("select pg_try_advisory_xact_lock($1) as locked").execute(Tuple.of(LOCK_KEY))
                .chain(lock -> lock.iterator().next().getBoolean("locked")
                        ? conn.preparedQuery("select position, coalesce(address, type) as address, attributes, data, created_at from outbox "
                                + "order by position limit $1")
                                .execute(Tuple.of(config.batchSize()))
                                .chain(rows -> publish(conn, rows))
                        : Uni.createFrom().item(0));
    }

    private Uni<Integer> publish(SqlConnection conn, Iterable<Row> rows) {
        List<Long> positions = new ArrayList<>();
        List<Uni<Void>> acks = new ArrayList<>();
        for (Row row : rows) {
            positions.add(row.getLong("position"));
            // Each publish is sent at once, back to back on one link, so the broker receives them in outbox order.
            acks.add(publish(row));
        }
        if (positions.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Uni.join().all(acks).andCollectFailures()
                .chain(() -> conn.preparedQuery("delete from outbox where position = any($1)")
                        .execute(Tuple.of(positions.toArray(new Long[0]))))
                .map(deleted -> positions.size());
    }

    private Uni<Void> publish(Row row) {
        String address = row.getString("address");
        Map<String, String> attributes = attributes(row);
        Span span = tracing.publishing(address, attributes);
        OffsetDateTime written = row.getOffsetDateTime("created_at");
        return broker.publish(address, attributes, Tracing.carrier(Context.root().with(span)), row.getString("data"))
                .onItemOrFailure().invoke((ok, error) -> {
                    if (error == null) {
                        publishLatency.record(Duration.between(written, OffsetDateTime.now()));
                    } else {
                        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                    }
                    span.end();
                });
    }

    private static Map<String, String> attributes(Row row) {
        Map<String, String> attributes = new HashMap<>();
        new JsonObject(row.getString("attributes")).forEach(e -> attributes.put(e.getKey(), String.valueOf(e.getValue())));
        return attributes;
    }
}
