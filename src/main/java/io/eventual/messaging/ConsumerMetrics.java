package io.eventual.messaging;

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

    private static final String[][] METERS = {
            { "eventual.events.received", "Events taken off a queue" },
            { "eventual.events.applied", "Events applied (effect and emitted events committed)" },
            { "eventual.events.duplicates", "Redelivered events skipped: already applied" },
            { "eventual.events.failed", "Attempts at handling an event that failed" },
            { "eventual.events.retried", "Attempts after the first" } };

    private final MeterRegistry registry;

    ConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the series of {@code function} handling {@code type} at zero, so rates work from the start. */
    void declare(String function, String type) {
        for (String[] meter : METERS) {
            counter(meter[0], meter[1], function, type);
        }
        deadLetters(function, type, "exhausted");
        timer(function, type);
    }

    void received(String function, String type) {
        counter(METERS[0][0], METERS[0][1], function, type).increment();
    }

    void applied(String function, String type) {
        counter(METERS[1][0], METERS[1][1], function, type).increment();
    }

    void duplicate(String function, String type) {
        counter(METERS[2][0], METERS[2][1], function, type).increment();
    }

    void failed(String function, String type) {
        counter(METERS[3][0], METERS[3][1], function, type).increment();
    }

    void retried(String function, String type) {
        counter(METERS[4][0], METERS[4][1], function, type).increment();
    }

    /** {@code why}: invalid (not a valid CloudEvent of the catalogue), rejected (by the handler), exhausted (retries). */
    void deadLettered(String function, String type, String why) {
        deadLetters(function, type, why).increment();
    }

    private Counter deadLetters(String function, String type, String why) {
        return Counter.builder("eventual.events.dead.lettered").description("Events parked as dead letters")
                .tag("function", function).tag("type", known(type)).tag("why", why).register(registry);
    }

    Timer.Sample start() {
        return Timer.start(registry);
    }

    void handled(Timer.Sample sample, String function, String type) {
        sample.stop(timer(function, type));
    }

    private Timer timer(String function, String type) {
        return Timer.builder("eventual.handler.duration").description("Handling one event, retries included")
                .tag("function", function).tag("type", known(type)).publishPercentileHistogram().register(registry);
    }

    private Counter counter(String name, String description, String function, String type) {
        return Counter.builder(name).description(description).tag("function", function).tag("type", known(type))
                .register(registry);
    }

    private static String known(String type) {
        return type != null && EventType.of(type).isPresent() ? type : "unknown";
    }
}
