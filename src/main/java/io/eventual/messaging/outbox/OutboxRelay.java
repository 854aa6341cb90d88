package io.eventual.messaging.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.eventual.messaging.DeadLetters;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Outage;
import io.eventual.messaging.Tracing;
import io.eventual.messaging.amqp.Broker;
import io.eventual.messaging.amqp.Delivery;
import io.micrometer.core.instrument.Counter;
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
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes the outbox rows this process wrote, in the order it wrote them, then deletes them. Nothing is shared
 * between processes on this path: each process owns its rows and publishes them from memory right after their
 * transaction committed, without reading them back. Every {@code eventual.outbox.poll-interval} it renews its lease and
 * takes over the rows of owners whose lease has run out (a process that died), which it then reads from the table.
 * A crash after publishing and before deleting only republishes; consumers drop the duplicates.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long RETRY_MILLIS = 500;
    /** The consumer named on dead letters of rows the broker refused to take from the relay. */
    static final String CONSUMER = "outbox";

    /** Rows of the peers whose expired lease the statement deletes. */
    private static final String EXPIRED = "o.owner = any(array(select owner from dead))";
    /** Rows of every peer without a live lease: those whose lease expired, and those without one. */
    private static final String UNLEASED = """
            o.owner <> $1 and split_part(o.owner, '@', 1) = $4 and not exists (
                select 1 from outbox_lease l where l.owner = o.owner and l.expires_at >= now())""";

    /** A committed outbox row waiting to be published. */
    record Pending(long position, String address, Map<String, String> attributes, String data, Instant written) {
    }

    /**
     * This process's name on its outbox rows: host and HTTP port, so a process restarted in place (a container restarted
     * in its pod) publishes what it left at once; a process that does not come back is taken over after its lease.
     */
    private final String owner;
    /** What this process runs, which decides what its broker account may publish: it takes over only its peers' rows. */
    private final String functions;
    private final Pool pool;
    private final Broker broker;
    private final Vertx vertx;
    private final EventualConfig.Outbox config;
    /** Committed rows of this process not yet published, by position. */
    private final ConcurrentSkipListMap<Long, Pending> ready = new ConcurrentSkipListMap<>();
    /** Published rows not yet deleted: a table read must not queue them again. */
    private final Set<Long> published = ConcurrentHashMap.newKeySet();
    /** Published rows no statement has yet taken on to delete. */
    private final Queue<Long> toDelete = new ConcurrentLinkedQueue<>();
    /** Rows of this process may be in the table and not in memory (start, take-over, memory full). */
    private final AtomicBoolean unread = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Outage outage = new Outage(LOG, "publishing the outbox");
    private final Outage leasing = new Outage(LOG, "renewing the outbox lease");
    private final Tracing tracing;
    private final Timer publishLatency;
    private final Counter readBack;
    private final DeadLetters deadLetters;
    private volatile boolean stopped;
    private long timer = -1;
    /** When a lease renewal next looks for rows of owners without a lease (until one has, every renewal does). */
    private volatile long sweepDue = System.nanoTime();

    OutboxRelay(Pool pool, Broker broker, Vertx vertx, EventualConfig config, Tracing tracing, MeterRegistry registry,
            DeadLetters deadLetters, @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int httpPort) {
        this.deadLetters = deadLetters;
        this.readBack = Counter.builder("eventual.outbox.read")
                .description("Outbox rows the relay read back from the table (take-overs, redrives, commits it did not see)")
                .register(registry);
        this.functions = String.join(",", new java.util.TreeSet<>(config.functions()));
        this.owner = functions + "@" + host() + ":" + httpPort;
        this.pool = pool;
        this.broker = broker;
        this.vertx = vertx;
        this.config = config.outbox();
        this.tracing = tracing;
        this.publishLatency = Timer.builder("eventual.outbox.publish.latency")
                .description("From the transaction that wrote an event to the broker accepting it")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        broker.onConnected(this::wake);
        renewLease(true);
        timer = vertx.setPeriodic(config.pollInterval().toMillis(),
                t -> renewLease(System.nanoTime() - sweepDue >= 0));
    }

    void stop(@Observes ShutdownEvent ignored) {
        stopped = true;
        vertx.cancelTimer(timer);
        // Let another process take over what is left at its next renewal instead of after the lease (peers find the
        // dead by their expired leases); a process that leaves nothing behind leaves no lease either. Never hold up
        // the shutdown.
        try {
            pool.preparedQuery("""
                    with left_over as (select exists (select 1 from outbox where owner = $1) as rows),
                         expired as (update outbox_lease set expires_at = '-infinity'
                                     where owner = $1 and (select rows from left_over))
                    delete from outbox_lease where owner = $1 and not (select rows from left_over)""")
                    .execute(Tuple.of(owner)).await().atMost(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            LOG.debugf("lease not handed over at shutdown (%s); it runs out by itself", e.getMessage());
        }
    }

    /** The owner this process writes on its outbox rows. */
    public String owner() {
        return owner;
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

    /** Rows committed by this process: queued for publishing (or left to a table read when too many wait). */
    void committed(List<Pending> rows) {
        if (ready.size() + rows.size() > config.batchSize() * 10L) {
            unread.set(true);
        } else {
            rows.forEach(row -> ready.put(row.position(), row));
        }
        wake();
    }

    /** Rows of this process were written to the table by other means (a redrive): read them from there. */
    public void written() {
        unread.set(true);
        wake();
    }

    /** Asks for a publishing round; cheap to call often, at most one round runs at a time. */
    public void wake() {
        if (stopped || !broker.canPublish()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        (unread.getAndSet(false) ? readTable() : Uni.createFrom().item(Long.MAX_VALUE))
                .chain(this::publishReady)
                .subscribe().with(published -> {
                    running.set(false);
                    outage.succeeded();
                    if (published > 0 || again.get() || unread.get()) {
                        wake();
                    }
                }, error -> {
                    running.set(false);
                    outage.failed(error);
                    // The rows are still queued: try again shortly (sooner if a reconnect or a commit wakes it).
                    vertx.setTimer(RETRY_MILLIS, t -> wake());
                });
    }

    /**
     * Queues this process's rows from the table, in order; returns the last position read when there may be more (rows
     * in memory after it must wait for the next read), otherwise no limit.
     */
    private Uni<Long> readTable() {
        // Rows published and not yet deleted are left out: a take-over of many rows would read them again and again.
        Long[] skip = published.toArray(new Long[0]);
        return pool.preparedQuery("select position, coalesce(address, type) as address, attributes, data, created_at from outbox "
                + "where owner = $1 and position <> all($3) order by position limit $2")
                .execute(Tuple.of(owner, config.batchSize(), skip))
                .map(rows -> {
                    long last = 0;
                    readBack.increment(rows.size());
                    for (Row row : rows) {
                        last = row.getLong("position");
                        ready.putIfAbsent(last, new Pending(last, row.getString("address"), attributes(row),
                                row.getString("data"), row.getOffsetDateTime("created_at").toInstant()));
                    }
                    if (rows.size() < config.batchSize()) {
                        return Long.MAX_VALUE;
                    }
                    unread.set(true);
                    return last;
                });
    }

    /** Publishes up to a batch of queued rows at or below {@code upTo}, back to back on one link, then deletes them. */
    private Uni<Integer> publishReady(long upTo) {
        List<Pending> batch = new ArrayList<>();
        for (Pending row : ready.headMap(upTo, true).values()) {
            if (batch.size() == config.batchSize()) {
                break;
            }
            batch.add(row);
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // Each row on its own: one the broker accepted is done whatever the others did, one it refuses for good is
        // parked as a dead letter (and done), and only those that met an outage wait for the next round.
        List<Uni<Throwable>> acks = new ArrayList<>();
        batch.forEach(row -> acks.add(publish(row).onFailure(Broker.Refused.class).recoverWithUni(refused -> park(row, refused))
                .replaceWith((Throwable) null).onFailure().recoverWithItem(error -> error)));
        return Uni.join().all(acks).andFailFast().map(outcomes -> {
            Throwable failed = null;
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes.get(i) == null) {
                    long position = batch.get(i).position();
                    published.add(position);
                    toDelete.add(position);
                    ready.remove(position);
                } else if (failed == null) {
                    failed = outcomes.get(i);
                }
            }
            if (failed != null) {
                throw failed instanceof RuntimeException e ? e : new IllegalStateException(failed);
            }
            return batch.size();
        });
    }

    /** A row the broker will never take (an address this process may not send to, say) becomes a dead letter. */
    private Uni<Void> park(Pending row, Throwable refused) {
        Delivery delivery = new Delivery(row.address(), row.address(), row.attributes(), List.of(),
                row.attributes().getOrDefault("datacontenttype", "application/json"),
                row.data().getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
        return deadLetters.park(CONSUMER, delivery, "rejected", refused.getMessage(), 1);
    }

    /**
     * Published rows for the caller's statement to delete (see {@link #deleteClaimed}): deletes ride on the next
     * write of this process (or its lease renewal) instead of costing a transaction and a round trip of their own.
     * The caller reports the outcome with {@link #deleted} or {@link #notDeleted}.
     */
    List<Long> claimDeletes() {
        List<Long> claimed = new ArrayList<>();
        for (Long next; claimed.size() < config.batchSize() * 5 && (next = toDelete.poll()) != null;) {
            claimed.add(next);
        }
        return claimed;
    }

    void deleted(List<Long> positions) {
        positions.forEach(published::remove);
    }

    void notDeleted(List<Long> positions) {
        toDelete.addAll(positions);
    }

    /** The SQL that deletes claimed rows given as a comma-separated text parameter. */
    static String deleteClaimed(String parameter) {
        return "delete from outbox where position = any(string_to_array(" + parameter + ", ',')::bigint[])";
    }

    static String csv(List<Long> positions) {
        return positions.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private Uni<Void> publish(Pending row) {
        Span span = tracing.publishing(row.address(), row.attributes());
        return broker.publish(row.address(), row.attributes(), Tracing.carrier(Context.root().with(span)), row.data())
                .onItemOrFailure().invoke((ok, error) -> {
                    if (error == null) {
                        publishLatency.record(Duration.between(row.written(), Instant.now()));
                    } else {
                        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                    }
                    span.end();
                });
    }

    /**
     * One statement: renews this process's lease, deletes what this process published since its last write, and takes
     * over the rows of peers (owners that ran the same functions, whose broker account may publish what this one may)
     * whose lease ran out. Rows taken over are read and published next. Usually the dead are found by their expired
     * leases, which the same statement deletes: index lookups only, whatever the size of the outbox and the number of
     * processes. A {@code sweep} (at start, then every {@code eventual.outbox.sweep-interval}) also looks for rows whose
     * owner has no lease at all — one that died before its first renewal, or that wrote more after its expired lease had
     * been taken over, or whose lease a process of an older version deleted — which takes a scan of the outbox. Rows
     * without an owner are nobody's to publish: the database lets no function write one (V18). The statement also
     * answers the oldest row of this process older than a renewal period, which this process should have in memory
     * unless it never heard that its transaction committed.
     */
    void renewLease(boolean sweep) {
        List<Long> gone = claimDeletes();
        pool.preparedQuery("""
                with renewed as (insert into outbox_lease (owner, expires_at) values ($1, now() + $2 * interval '1 millisecond')
                                 on conflict (owner) do update set expires_at = excluded.expires_at),
                     gone as (""" + deleteClaimed("$3") + """
                ),
                     dead as (delete from outbox_lease where expires_at < now() and owner <> $1 and split_part(owner, '@', 1) = $4
                              returning owner),
                     taken as (update outbox o set owner = $1 where\s""" + (sweep ? UNLEASED : EXPIRED) + """
                 returning 1)
                select (select count(*) from taken) as taken,
                       (select min(position) from outbox where owner = $1 and created_at < now() - $5 * interval '1 millisecond')
                           as unseen""")
                .execute(Tuple.of(owner, config.lease().toMillis(), csv(gone), functions, config.pollInterval().toMillis()))
                .onItemOrFailure().invoke((ok, error) -> {
                    if (error == null) {
                        deleted(gone);
                    } else {
                        notDeleted(gone);
                    }
                })
                .subscribe().with(rows -> {
                    leasing.succeeded();
                    if (sweep) {
                        sweepDue = System.nanoTime() + config.sweepInterval().toNanos();
                    }
                    Row row = rows.iterator().next();
                    Long unseen = row.getLong("unseen");
                    if (row.getLong("taken") > 0) {
                        LOG.infof("took over %d unpublished outbox events of processes that stopped", row.getLong("taken"));
                        written();
                    } else if (unseen != null && !gone.contains(unseen) && !ready.containsKey(unseen) && !published.contains(unseen)) {
                        // Committed, but this process never heard so: the COMMIT's answer was lost, or the request that
                        // wrote it was cancelled while it committed. Nobody else would publish it while this one lives.
                        LOG.infof("publishing outbox events whose commit this process did not see (from position %d)", unseen);
                        written();
                    } else if (!ready.isEmpty()) {
                        wake();
                    }
                }, leasing::failed);
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return UUID.randomUUID().toString();
        }
    }

    private static Map<String, String> attributes(Row row) {
        Map<String, String> attributes = new HashMap<>();
        new JsonObject(row.getString("attributes")).forEach(e -> attributes.put(e.getKey(), String.valueOf(e.getValue())));
        return attributes;
    }
}
