package io.eventual.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.event.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What each consumer does with the events it receives, tagged by function and event type (types outside the
 * catalogue count as "unknown", so garbage cannot blow up the number of series).
 */
@ApplicationScoped
public class ConsumerMetrics {

    /** The meters of one function handling one event type, looked up once (this runs for every event). */
    public record Meters(Counter received, Counter applied, Counter duplicates, Counter failed, Counter retried, Timer duration) {
    }

    private final MeterRegistry registry;
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();

    ConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of {@code function} handling {@code type}, registered at zero on first use. */
    public Meters of(String function, String type) {
        String known = known(type);
        return meters.computeIfAbsent(function + ' ' + known, key -> {
            deadLetters(function, known, "exhausted");
            return new Meters(
                    counter("eventual.events.received", "Events taken off a queue", function, known),
                    counter("eventual.events.applied", "Events applied (effect and emitted events committed)", function, known),
                    counter("eventual.events.duplicates", "Redelivered events skipped: already applied", function, known),
                    counter("eventual.events.failed", "Attempts at handling an event that failed", function, known),
                    counter("eventual.events.retried", "Attempts after the first", function, known),
                    Timer.builder("eventual.handler.duration").description("Handling one event, retries included")
                            .tag("function", function).tag("type", known).publishPercentileHistogram().register(registry));
        });
    }

    /**
     * {@code why}: invalid (not a valid CloudEvent of the catalogue), rejected (by the handler, or by the broker for an
     * outbox row), exhausted (retries).
     */
    void deadLettered(String function, String type, String why) {
        deadLetters(function, known(type), why).increment();
    }

    private Counter deadLetters(String function, String knownType, String why) {
        return Counter.builder("eventual.events.dead.lettered").description("Events parked as dead letters")
                .tag("function", function).tag("type", knownType).tag("why", why).register(registry);
    }

    private static String known(String type) {
        return type != null && EventType.of(type).isPresent() ? type : "unknown";
    }

    public Timer.Sample start() {
        return Timer.start(registry);
    }

    private Counter counter(String name, String description, String function, String type) {
        return Counter.builder(name).description(description).tag("function", function).tag("type", type)
                .register(registry);
    }
}
