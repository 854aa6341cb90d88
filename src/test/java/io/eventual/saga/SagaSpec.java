package io.eventual.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventData;
import io.eventual.event.EventType;
import io.eventual.event.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Given/when/then for a saga definition, in milliseconds: the engine that runs in production, on a saga row in memory,
 * without broker or database. {@code given} starts the saga and applies replies; {@code when} applies one more (or
 * lets the current deadline pass); {@code then} checks what that last step sent and where the saga stands.
 */
final class SagaSpec<D extends EventData> {

    private final SagaEngine<D> engine;
    private SagaInstance saga;
    private List<Event> sent = List.of();

    private SagaSpec(SagaDefinition<D> definition) {
        SagaConfig config = new SagaConfig() {
            @Override
            public Map<String, Duration> timeouts() {
                return Map.of();
            }

            @Override
            public Duration compensationTimeout() {
                return Duration.ofSeconds(30);
            }

            @Override
            public java.util.Optional<Integer> flowVersion() {
                return java.util.Optional.empty();
            }

            @Override
            public Duration timeoutCheckInterval() {
                return Duration.ofSeconds(1);
            }
        };
        this.engine = new SagaEngine<>(definition, new ObjectMapper().findAndRegisterModules(), "/spec", config,
                new SagaMetrics(new SimpleMeterRegistry(), null));
    }

    static <D extends EventData> SagaSpec<D> of(SagaDefinition<D> definition) {
        return new SagaSpec<>(definition);
    }

    /** The saga started by {@code start}, then each of {@code replies} applied. */
    SagaSpec<D> given(EventData start, EventData... replies) {
        List<Event> emitted = new ArrayList<>();
        saga = engine.start(Event.first("/spec", start, Priority.NORMAL), emitted);
        sent = emitted;
        for (EventData reply : replies) {
            when(reply);
        }
        return this;
    }

    SagaSpec<D> when(EventData reply) {
        sent = engine.apply(saga, Event.causedBy("/spec", reply, saga.correlationId, null, Priority.NORMAL));
        return this;
    }

    /** The step (or the compensations) waited past its deadline. */
    SagaSpec<D> whenTheDeadlinePasses() {
        saga.deadline = Instant.now().minusMillis(1);
        sent = engine.expire(saga);
        return this;
    }

    /** Exactly these were sent by the last step, in this order. */
    SagaSpec<D> thenSends(EventType... types) {
        assertThat(sent).extracting(Event::type).as("sent").containsExactly(types);
        return this;
    }

    SagaSpec<D> thenStatus(String status) {
        assertThat(saga.status).as("status").isEqualTo(status);
        return this;
    }
}
