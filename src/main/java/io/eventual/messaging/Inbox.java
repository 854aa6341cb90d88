package io.eventual.messaging;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.InvalidEventException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Gives every consumer the same guarantees, whatever it does: an event is decoded and validated, applied at most once
 * per consumer (its id is recorded in the same transaction as the effect and the emitted events), retried with
 * backoff when handling fails, and parked as a dead letter when it is invalid or keeps failing.
 */
@ApplicationScoped
public class Inbox {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final DeadLetters deadLetters;
    private final MessagingConfig.Retry retry;

    Inbox(EventCodec codec, ProcessedEvents processed, Outbox outbox, OutboxRelay relay, DeadLetters deadLetters,
            MessagingConfig config) {
        this.codec = codec;
        this.processed = processed;
        this.outbox = outbox;
        this.relay = relay;
        this.deadLetters = deadLetters;
        this.retry = config.retry();
    }

    public Uni<Void> deliver(String consumer, EventHandler handler, Delivery delivery) {
        Event event;
        try {
            event = decode(delivery);
        } catch (InvalidEventException e) {
            return deadLetters.park(consumer, delivery, "invalid event: " + e.getMessage(), 1);
        }
        AtomicInteger attempts = new AtomicInteger();
        Uni<Void> attempt = Uni.createFrom().deferred(() -> Panache.withTransaction(() -> processed
                .firstTime(consumer, event.id(), attempts.incrementAndGet())
                .chain(first -> first ? handler.handle(event).chain(outbox::append) : Uni.createFrom().voidItem())));
        // An outage or a lost race is not the event's fault: wait it out rather than count it as a failed attempt.
        Uni<Void> patient = attempt.onFailure(Failures::isTransient).retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff()).indefinitely();
        Uni<Void> withRetries = retry.attempts() > 1
                ? patient.onFailure(error -> !(error instanceof RejectedEventException)).retry().withBackOff(retry.initialBackoff(), retry.maxBackoff())
                        .atMost(retry.attempts() - 1)
                : patient;
        return withRetries
                .invoke(relay::wake)
                .onFailure().recoverWithUni(error -> error instanceof RejectedEventException
                        ? deadLetters.park(consumer, delivery, "rejected: " + error.getMessage(), 1)
                        : deadLetters.park(consumer, delivery, describe(error), retry.attempts()));
    }

    private Event decode(Delivery delivery) {
        if (delivery.contentType() != null && delivery.contentType().startsWith(EventCodec.STRUCTURED_JSON)) {
            return codec.fromStructured(delivery.body());
        }
        if (delivery.attributes().isEmpty()) {
            throw new InvalidEventException(null, "not a CloudEvent: no cloudEvents: application properties");
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
