package io.eventual.store;

import java.time.Instant;
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

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.ConsumerMetrics;
import io.eventual.messaging.DeadLetters;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Failures;
import io.eventual.messaging.Storable;
import io.eventual.messaging.amqp.BrokerAccess;
import io.eventual.messaging.amqp.Delivery;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The {@code store} function: records every event that crosses the broker, once, through a wildcard subscription,
 * so an event type nobody has configured yet is recorded too. It stores what was published, as published. What it
 * cannot record becomes a dead letter of the store, like any consumer's: a message that is not a CloudEvent (no id,
 * type or source), attributes CloudEvents does not allow (control characters, over-long ids), a body that is not text,
 * or an event the database refuses for a reason other than an outage. The broker's own traffic (management requests
 * and replies: no CloudEvents attribute at all, on an address outside the catalogue) is no event and passes by.
 */
@ApplicationScoped
public class Recorder implements EventFunction {

    /** A multicast queue on the wildcard address {@code #}: it receives a copy of every message sent to any address. */
    public static final String ADDRESS = "#";
    public static final String QUEUE = "store.all";
    /**
     * The wildcard address also gets what the broker moves to its dead-letter and expiry addresses: the store's queue
     * leaves those out, or a message the store itself could not park would come back to it from there, for ever.
     */
    public static final String FILTER = "AMQAddress NOT IN ('" + BrokerAccess.DEAD_LETTERS + "', '" + BrokerAccess.EXPIRED + "')";
    private static final Logger LOG = Logger.getLogger(Recorder.class);
    private static final String UNKNOWN_STREAM = "unknown";

    private final EventStore store;
    private final StreamFold<?> fold;
    private final StoreConfig config;
    private final Event<Recorded> recorded;
    private final EventualConfig.Retry retry;
    private final ObjectMapper mapper;

    /** Fired after events were appended, for projections that follow the store. */
    public record Recorded(long position) {
    }

    private final ConsumerMetrics metrics;
    private final Queue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean lingering = new AtomicBoolean();
    private final io.vertx.core.Vertx vertx;
    /**
     * A batch is written at once when this many wait, and the store's queue hands over this many at a time: a batch
     * takes one connection, so the pool does not bound it (the link credit does).
     */
    private final int full;

    private final DeadLetters deadLetters;

    Recorder(EventStore store, StreamFold<?> fold, StoreConfig config, Event<Recorded> recorded, EventualConfig messaging,
            ObjectMapper mapper, ConsumerMetrics metrics, io.vertx.core.Vertx vertx, io.eventual.messaging.amqp.Broker broker,
            DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.vertx = vertx;
        this.full = broker.concurrency(config.batchSize());
        this.mapper = mapper;
        this.metrics = metrics;
        this.store = store;
        this.fold = fold;
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
    public Map<String, RawQueue> queues() {
        return Map.of(ADDRESS + "::" + QUEUE, new RawQueue(this::record, full));
    }

    Uni<Void> record(Delivery delivery) {
        Map<String, String> a = delivery.attributes();
        if (a.isEmpty() && delivery.unreadableAttributes().isEmpty() && EventType.of(delivery.address()).isEmpty()) {
            // The broker's own traffic (management requests and their replies) crosses the wildcard too: no event.
            LOG.debugf("not an event: a message to %s without CloudEvents attributes", delivery.address());
            return Uni.createFrom().voidItem();
        }
        Optional<String> data = Storable.utf8(delivery.body());
        String problem = unrecordable(a, data);
        if (problem != null) {
            return deadLetters.park(name(), delivery, "invalid", problem, 1);
        }
        NewEvent event = new NewEvent(a.get("id"), a.get("type"), number(a.get("schemaversion"), 1), a.get("source"),
                time(a.get("time")), a.getOrDefault("correlationid", a.get("id")), a.get("causationid"), data.get());
        String stream = a.containsKey("subject") ? a.get("subject") : orderIdOf(delivery.bodyText());
        ConsumerMetrics.Meters meters = metrics.of(name(), event.type());
        meters.received().increment();
        Timer.Sample timer = metrics.start();
        Waiting waiting = new Waiting(new EventStore.Recording(stream, event), new CompletableFuture<>());
        queue.add(waiting);
        due();
        return Uni.createFrom().completionStage(waiting.stored())
                .invoke(stored -> (stored ? meters.applied() : meters.duplicates()).increment())
                .onFailure().invoke(error -> meters.failed().increment())
                .eventually(() -> timer.stop(meters.duration()))
                .replaceWithVoid()
                // Outages are waited out in the write: what fails here fails alone (see flush), and for good.
                .onFailure().recoverWithUni(error -> deadLetters.park(name(), delivery, "exhausted",
                        "not recorded: " + error.getMessage(), 1));
    }

    /** Why the store cannot record this message, or null: it keeps CloudEvents, and their data as text. */
    private static String unrecordable(Map<String, String> attributes, Optional<String> data) {
        for (String name : List.of("id", "type", "source")) {
            if (attributes.get(name) == null || attributes.get(name).isBlank()) {
                return "not a CloudEvent: no " + name + " attribute";
            }
        }
        try {
            for (String name : List.of("id", "type", "source", "subject", "correlationid", "causationid")) {
                EventCodec.attribute(name, attributes.get(name));
            }
        } catch (InvalidEventException e) {
            return "invalid event: " + e.getMessage();
        }
        return data.isEmpty() ? "its data is not text (a NUL byte, or not UTF-8): the event store keeps data as text" : null;
    }

    /** A delivery waiting for its batch: completes with whether it was stored (false: stored before). */
    private record Waiting(EventStore.Recording recording, CompletableFuture<Boolean> stored) {
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
                    Set<List<String>> ids = stored.stream().map(e -> List.of(e.source(), e.eventId())).collect(Collectors.toSet());
                    batch.forEach(w -> w.stored().complete(ids.contains(List.of(w.recording().event().source(),
                            w.recording().event().eventId()))));
                    stored.stream().mapToLong(StoredEvent::position).max().ifPresent(p -> recorded.fire(new Recorded(p)));
                    stored.stream().filter(e -> e.version() % config.snapshotEvery() == 0)
                            .forEach(e -> snapshot(e.streamId(), e.version(), fold).subscribe().with(ok -> {
                            }, error -> LOG.debugf("no snapshot of %s at %d: %s", e.streamId(), e.version(), error.getMessage())));
                })
                .onFailure().invoke(error -> {
                    if (batch.size() == 1) {
                        batch.get(0).stored().completeExceptionally(error);
                    }
                })
                .replaceWithVoid();
    }

    private <S> Uni<Void> snapshot(String stream, int version, StreamFold<S> fold) {
        return store.load(stream, fold, version).chain(state -> store.snapshot(stream, version, state));
    }

    /** The stream of an event published without a subject: the order it is about, by its data. */
    private String orderIdOf(String data) {
        try {
            String orderId = mapper.readTree(data).path("orderId").asText("");
            return orderId.isBlank() ? UNKNOWN_STREAM : orderId;
        } catch (java.io.IOException e) {
            return UNKNOWN_STREAM;
        }
    }

    private static int number(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The store records whatever arrives: an unreadable time becomes the time of recording. */
    private static Instant time(String value) {
        try {
            return EventCodec.time(value);
        } catch (InvalidEventException e) {
            return Instant.now();
        }
    }
}
