package io.eventual.messaging;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.amqp.Delivery;
import io.eventual.messaging.outbox.Outbox;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * Gives every consumer the same guarantees, whatever it does: an event is decoded and validated, applied at most once
 * per consumer (its id is recorded in the same transaction as the effect and the emitted events), retried with
 * backoff when handling fails, and parked as a dead letter when it is invalid, keeps failing, or its order waits behind
 * an earlier dead letter ({@link HeldOrders}). Each delivery is one
 * span of the order's trace, is counted, and its log lines carry the order, event, correlation and function.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final DeadLetters deadLetters;
    private final EventualConfig.Retry retry;
    private final ConsumerMetrics metrics;
    private final Tracing tracing;

    Inbox(EventCodec codec, ProcessedEvents processed, Outbox outbox, DeadLetters deadLetters,
            EventualConfig config, ConsumerMetrics metrics, Tracing tracing) {
        this.codec = codec;
        this.processed = processed;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.retry = config.retry();
        this.metrics = metrics;
        this.tracing = tracing;
    }

    public Uni<Void> deliver(String consumer, EventHandler handler, Delivery delivery) {
        String type = delivery.attributes().get("type");
        logContext(consumer, delivery);
        ConsumerMetrics.Meters meters = metrics.of(consumer, type);
        meters.received().increment();
        Span span = tracing.consuming(consumer, delivery);
        if (span.getSpanContext().isValid()) {
            MDC.put("traceId", span.getSpanContext().getTraceId());
        }
        Timer.Sample timer = metrics.start();
        return handle(consumer, handler, delivery, span, meters)
                .onTermination().invoke((ignored, error, cancelled) -> {
                    timer.stop(meters.duration());
                    span.end();
                });
    }

    private Uni<Void> handle(String consumer, EventHandler handler, Delivery delivery, Span span,
            ConsumerMetrics.Meters meters) {
        Event event;
        try {
            event = decode(codec, delivery);
        } catch (InvalidEventException e) {
            return park(consumer, delivery, span, "invalid", "invalid event: " + e.getMessage(), 1);
        }
        put("orderId", event.subject());
        put("correlationId", event.correlationId());
        Context trace = Context.root().with(span);
        String release = delivery.attributes().get(HeldOrders.RELEASE);
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean first = new AtomicBoolean();
        Uni<Void> attempt = Uni.createFrom().deferred(() -> {
            if (attempts.incrementAndGet() > 1) {
                meters.retried().increment();
            }
            // The handler runs first and the duplicate check rides on the statement that writes its events; a
            // duplicate fails the commit, which rolls everything back.
            ProcessedEvents.Mark mark = new ProcessedEvents.Mark(consumer, event.id(), event.source(), event.subject(),
                    release, attempts.get());
            return Transactions.withTransaction(() -> handler.handle(event)
                    .chain(events -> outbox.appendOnce(mark, events, trace)))
                    .invoke(() -> first.set(true))
                    .onFailure(ProcessedEvents::isDuplicate).recoverWithNull()
                    // A handler may refuse what it already applied (the order exists): a duplicate, not a failure.
                    .onFailure(error -> !Failures.isTransient(error))
                    .recoverWithUni(error -> processed.seen(consumer, event.id(), event.source())
                            .chain(seen -> seen ? Uni.createFrom().voidItem() : Uni.createFrom().failure(error)));
        }).onFailure().invoke(error -> {
            meters.failed().increment();
            LOG.debugf("attempt %d at %s failed: %s", attempts.get(), event.id(), error);
        });
        // An outage or a lost race is not the event's fault: wait it out rather than count it as a failed attempt.
        Uni<Void> patient = attempt.onFailure(Failures::isTransient).retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely();
        Uni<Void> withRetries = retry.attempts() > 1
                ? patient.onFailure(error -> !(error instanceof RejectedEventException) && !HeldOrders.isHeld(error)).retry()
                        .withBackOff(retry.initialBackoff(), retry.maxBackoff())
                        .atMost(retry.attempts() - 1)
                : patient;
        return withRetries
                .invoke(() -> {
                    if (first.get()) {
                        meters.applied().increment();
                    } else {
                        meters.duplicates().increment();
                        LOG.debugf("%s already applied %s: skipped", consumer, event.id());
                    }
                })
                // A released event applied (or found applied before) lets the next one of its order go.
                .call(() -> release == null ? Uni.createFrom().voidItem()
                        : first.get() ? deadLetters.released() : deadLetters.admit(consumer, event, release))
                .onFailure().recoverWithUni(error -> {
                    if (error instanceof RejectedEventException) {
                        return park(consumer, delivery, span, "rejected", "rejected: " + error.getMessage(), 1);
                    }
                    if (HeldOrders.isHeld(error)) {
                        return park(consumer, delivery, span, "held", HeldOrders.reason(error), attempts.get());
                    }
                    return park(consumer, delivery, span, "exhausted", describe(error), retry.attempts());
                });
    }

    private Uni<Void> park(String consumer, Delivery delivery, Span span, String why, String reason, int attempts) {
        span.setStatus(StatusCode.ERROR, reason);
        return deadLetters.park(consumer, delivery, why, reason, attempts);
    }

    /** Every log line written while handling this delivery (on its own Vert.x context) carries these. */
    private static void logContext(String consumer, Delivery delivery) {
        MDC.put("function", consumer);
        put("eventId", delivery.attributes().get("id"));
        put("eventType", delivery.attributes().get("type"));
        put("orderId", delivery.attributes().get("subject"));
        put("correlationId", delivery.attributes().getOrDefault(EventCodec.CORRELATION_ID, delivery.attributes().get("id")));
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    /** A delivery as an event of the catalogue, or {@link InvalidEventException} saying what is wrong with it. */
    static Event decode(EventCodec codec, Delivery delivery) {
        if (delivery.contentType() != null && delivery.contentType().startsWith(EventCodec.STRUCTURED_JSON)) {
            return codec.fromStructured(delivery.body());
        }
        if (!delivery.unreadableAttributes().isEmpty()) {
            throw new InvalidEventException(delivery.unreadableAttributes());
        }
        if (delivery.attributes().isEmpty()) {
            throw new InvalidEventException(null,
                    "not a CloudEvent: no cloudEvents: (or cloudEvents_) application properties");
        }
        return codec.fromBinary(delivery.attributes(), delivery.contentType(), delivery.body());
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? String.valueOf(error) : error + " (cause: " + root + ")";
    }
}
