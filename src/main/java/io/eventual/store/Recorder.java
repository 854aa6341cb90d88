package io.eventual.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.EventType;
import io.eventual.messaging.ConsumerMetrics;
import io.eventual.messaging.Delivery;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.Failures;
import io.eventual.messaging.MessagingConfig;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * The {@code store} function: records every event that crosses the broker, once, through a wildcard subscription,
 * so an event type nobody has configured yet is recorded too. It stores what was published, as published; messages
 * that are not CloudEvents are left to their consumers' dead letters.
 */
@ApplicationScoped
public class Recorder implements EventFunction {

    /** A multicast queue on the wildcard address {@code #}: it receives a copy of every message sent to any address. */
    public static final String ADDRESS = "#";
    public static final String QUEUE = "store.all";
    private static final Logger LOG = Logger.getLogger(Recorder.class);
    private static final String UNKNOWN_STREAM = "unknown";

    private final EventStore store;
    private final StreamFold<?> fold;
    private final StoreConfig config;
    private final Event<Recorded> recorded;
    private final MessagingConfig.Retry retry;
    private final ObjectMapper mapper;

    /** Fired after events were appended, for projections that follow the store. */
    public record Recorded(long position) {
    }

    private final ConsumerMetrics metrics;

    Recorder(EventStore store, StreamFold<?> fold, StoreConfig config, Event<Recorded> recorded, MessagingConfig messaging,
            ObjectMapper mapper, ConsumerMetrics metrics) {
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
    public Map<String, java.util.function.Function<Delivery, Uni<Void>>> queues() {
        return Map.of(ADDRESS + "::" + QUEUE, this::record);
    }

    Uni<Void> record(Delivery delivery) {
        Map<String, String> a = delivery.attributes();
        if (a.get("id") == null || a.get("type") == null || a.get("source") == null) {
            LOG.debugf("not recording a message without CloudEvents attributes from %s", delivery.queue());
            return Uni.createFrom().voidItem();
        }
        NewEvent event = new NewEvent(a.get("id"), a.get("type"), number(a.get("schemaversion"), 1), a.get("source"),
                time(a.get("time")), a.getOrDefault("correlationid", a.get("id")), a.get("causationid"), delivery.bodyText());
        String stream = a.containsKey("subject") ? a.get("subject") : orderIdOf(delivery.bodyText());
        ConsumerMetrics.Meters meters = metrics.of(name(), event.type());
        meters.received().increment();
        Timer.Sample timer = metrics.start();
        return store.record(stream, event)
                .call(stored -> snapshotIfDue(stream, stored))
                .onFailure(Failures::isTransient).invoke(error -> meters.failed().increment())
                .onFailure(Failures::isTransient).retry().withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely()
                .invoke(stored -> {
                    (stored.isEmpty() ? meters.duplicates() : meters.applied()).increment();
                    stored.forEach(s -> recorded.fire(new Recorded(s.position())));
                })
                .eventually(() -> timer.stop(meters.duration()))
                .replaceWithVoid();
    }

    private Uni<Void> snapshotIfDue(String stream, List<StoredEvent> stored) {
        if (stored.isEmpty() || stored.get(0).version() % config.snapshotEvery() != 0) {
            return Uni.createFrom().voidItem();
        }
        int version = stored.get(0).version();
        return snapshot(stream, version, fold);
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

    private static Instant time(String value) {
        try {
            return value == null ? Instant.now() : OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
