package io.eventual.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.eventual.event.EventType;
import io.eventual.messaging.ConsumerMetrics;
import io.eventual.messaging.Delivery;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.Failures;
import io.eventual.messaging.MessagingConfig;
import io.eventual.messaging.StoreRecords;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The {@code store} function: records, once, the events that cross the broker without their writer having recorded
 * them ({@link StoreRecords}): those of outside producers, through a wildcard subscription, so an event type nobody has
 * configured yet is recorded too. It stores what was published, as published; messages that are not CloudEvents are
 * left to their consumers' dead letters.
 */
@ApplicationScoped
public class Recorder implements EventFunction {

    /**
     * A multicast queue on the wildcard address {@code #}: it receives a copy of every message sent to any address but
     * those its filter ({@link StoreRecords#storeQueueFilter()}) leaves to their writers.
     */
    public static final String ADDRESS = "#";
    public static final String QUEUE = "store.all";
    private static final Logger LOG = Logger.getLogger(Recorder.class);

    private final EventStore store;
    private final StoreRecords records;
    private final StoreConfig config;
    private final Event<Recorded> recorded;
    private final MessagingConfig.Retry retry;

    /** Fired after events were appended, for projections that follow the store. */
    public record Recorded(long position) {
    }

    private final ConsumerMetrics metrics;
    private final Queue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean lingering = new AtomicBoolean();
    private final io.vertx.core.Vertx vertx;
    /** A batch is written at once when this many wait: the most the store's queue hands over at a time. */
    private final int full;

    Recorder(EventStore store, StoreRecords records, StoreConfig config, Event<Recorded> recorded, MessagingConfig messaging,
            ConsumerMetrics metrics, io.vertx.core.Vertx vertx, io.eventual.messaging.Broker broker) {
        this.vertx = vertx;
        this.full = Math.max(1, Math.min(config.batchSize(), broker.concurrency()));
        this.metrics = metrics;
        this.store = store;
        this.records = records;
        this.config = config;
        this.recorded = recorded;
        this.retry = messaging.retry();
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        return Map.of();
    }

    @Override
    public Map<String, java.util.function.Function<Delivery, Uni<Void>>> queues() {
        return Map.of(ADDRESS + "::" + QUEUE, this::record);
    }

    Uni<Void> record(Delivery delivery) {
        Optional<StoreRecords.StoreRecord> published = records.published(delivery.attributes(), delivery.bodyText(), true);
        if (published.isEmpty()) {
            LOG.debugf("not recording a message without CloudEvents attributes from %s", delivery.queue());
            return Uni.createFrom().voidItem();
        }
        StoreRecords.StoreRecord event = published.get();
        ConsumerMetrics.Meters meters = metrics.of(name(), event.type());
        meters.received().increment();
        Timer.Sample timer = metrics.start();
        Waiting waiting = new Waiting(event, new CompletableFuture<>());
        queue.add(waiting);
        due();
        return Uni.createFrom().completionStage(waiting.stored())
                .invoke(stored -> (stored ? meters.applied() : meters.duplicates()).increment())
                .onFailure().invoke(error -> meters.failed().increment())
                .eventually(() -> timer.stop(meters.duration()))
                .replaceWithVoid();
    }

    /** A delivery waiting for its batch: completes with whether it was stored (false: stored before). */
    private record Waiting(StoreRecords.StoreRecord recording, CompletableFuture<Boolean> stored) {
    }

    /**
     * Writes the waiting events when a full batch waits, otherwise {@code eventual.store.linger} after the first of
     * them: the store is off the sagas' path, so a few milliseconds buy fewer, larger transactions.
     */
    private void due() {
        if (queue.size() >= full || config.linger().isZero()) {
            flush();
        } else if (lingering.compareAndSet(false, true)) {
            vertx.setTimer(config.linger().toMillis(), t -> {
                lingering.set(false);
                flush();
            });
        }
    }

    /**
     * Group commit: the deliveries that arrive while a batch is written or lingers go together, one statement
     * and one transaction per batch. A batch that fails for a reason other than an outage is written event by event,
     * so one bad event cannot hold back the others.
     */
    private void flush() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Waiting> batch = new ArrayList<>();
        for (Waiting next; batch.size() < config.batchSize() && (next = queue.poll()) != null;) {
            batch.add(next);
        }
        Uni<Void> written = batch.isEmpty() ? Uni.createFrom().voidItem()
                : write(batch).onFailure(error -> batch.size() > 1).recoverWithUni(error -> Multi.createFrom().iterable(batch)
                        .onItem().transformToUniAndConcatenate(one -> write(List.of(one)).onFailure().recoverWithNull())
                        .collect().last().replaceWithVoid());
        written.subscribe().with(ok -> flushed(), error -> {
            batch.forEach(w -> w.stored().completeExceptionally(error));
            flushed();
        });
    }

    private void flushed() {
        writing.set(false);
        if (!queue.isEmpty()) {
            due();
        }
    }

    private Uni<Void> write(List<Waiting> batch) {
        return store.record(batch.stream().map(Waiting::recording).toList())
                .onFailure(Failures::isTransient).retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely()
                .invoke(stored -> {
                    Set<String> ids = stored.stream().map(StoredEvent::eventId).collect(Collectors.toSet());
                    batch.forEach(w -> w.stored().complete(ids.contains(w.recording().eventId())));
                    stored.stream().mapToLong(StoredEvent::position).max().ifPresent(p -> recorded.fire(new Recorded(p)));
                })
                .onFailure().invoke(error -> {
                    if (batch.size() == 1) {
                        batch.get(0).stored().completeExceptionally(error);
                    }
                })
                .replaceWithVoid();
    }
}
