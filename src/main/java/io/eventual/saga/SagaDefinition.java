package io.eventual.saga;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.eventual.event.EventData;
import io.eventual.event.EventType;

/**
 * A saga as data: the event that starts it, its steps in order (each a command, its success and failure replies, an
 * optional compensation with the reply that confirms it, and a timeout), and the events that end it. {@link SagaEngine} runs any
 * definition; it knows nothing about orders.
 *
 * @param <D> the data of the starting event, which every payload builder receives
 */
public final class SagaDefinition<D extends EventData> {

    public record Compensation<D>(EventType command, Function<D, EventData> payload, EventType confirmedBy) {
    }

    public record Step<D>(String name, EventType command, Function<D, EventData> payload, EventType success,
            EventType failure, Optional<Compensation<D>> compensation, Duration timeout) {

        /** The status of a saga waiting for this step: {@code PENDING_<NAME>}. */
        public String pendingStatus() {
            return "PENDING_" + name.toUpperCase(java.util.Locale.ROOT);
        }
    }

    private final String name;
    private final EventType start;
    private final Class<D> dataClass;
    private final List<Step<D>> steps;
    private final EventType completed;
    private final Function<D, EventData> completion;
    private final EventType cancelled;
    private final BiFunction<D, String, EventData> cancellation;

    private SagaDefinition(Builder<D> b, EventType completed, Function<D, EventData> completion, EventType cancelled,
            BiFunction<D, String, EventData> cancellation) {
        this.name = b.name;
        this.start = b.start;
        this.dataClass = b.dataClass;
        this.steps = List.copyOf(b.steps);
        this.completed = completed;
        this.completion = completion;
        this.cancelled = cancelled;
        this.cancellation = cancellation;
    }

    public static Named flow(String name) {
        return new Named(name);
    }

    public String name() {
        return name;
    }

    public EventType start() {
        return start;
    }

    public Class<D> dataClass() {
        return dataClass;
    }

    public List<Step<D>> steps() {
        return steps;
    }

    public EventType completed() {
        return completed;
    }

    public EventData completion(D data) {
        return completion.apply(data);
    }

    public EventType cancelled() {
        return cancelled;
    }

    public EventData cancellation(D data, String reason) {
        return cancellation.apply(data, reason);
    }

    /** Every event type this saga consumes: its start and each reply. */
    public List<EventType> consumes() {
        List<EventType> types = new ArrayList<>();
        types.add(start);
        for (Step<D> step : steps) {
            types.add(step.success());
            types.add(step.failure());
            step.compensation().ifPresent(c -> types.add(c.confirmedBy()));
        }
        return types;
    }

    public static final class Named {
        private final String name;

        private Named(String name) {
            this.name = name;
        }

        public <D extends EventData> Builder<D> startsOn(EventType start, Class<D> dataClass) {
            return new Builder<>(name, start, dataClass);
        }
    }

    public static final class Builder<D extends EventData> {
        private final String name;
        private final EventType start;
        private final Class<D> dataClass;
        private final List<Step<D>> steps = new ArrayList<>();

        private Builder(String name, EventType start, Class<D> dataClass) {
            this.name = name;
            this.start = start;
            this.dataClass = dataClass;
        }

        public StepBuilder<D> step(String stepName) {
            return new StepBuilder<>(this, stepName);
        }

        public SagaDefinition<D> endsWith(EventType completed, Function<D, EventData> completion, EventType cancelled,
                BiFunction<D, String, EventData> cancellation) {
            return new SagaDefinition<>(this, completed, completion, cancelled, cancellation);
        }
    }

    public static final class StepBuilder<D extends EventData> {
        private final Builder<D> saga;
        private final String name;
        private EventType command;
        private Function<D, EventData> payload;
        private EventType success;
        private EventType failure;
        private Optional<Compensation<D>> compensation = Optional.empty();

        private StepBuilder(Builder<D> saga, String name) {
            this.saga = saga;
            this.name = name;
        }

        public StepBuilder<D> send(EventType command, Function<D, EventData> payload) {
            this.command = command;
            this.payload = payload;
            return this;
        }

        public StepBuilder<D> onSuccess(EventType success) {
            this.success = success;
            return this;
        }

        public StepBuilder<D> onFailure(EventType failure) {
            this.failure = failure;
            return this;
        }

        /** How to undo this step once it has succeeded, and the reply that confirms it is undone. */
        public StepBuilder<D> compensateWith(EventType command, Function<D, EventData> payload, EventType confirmedBy) {
            this.compensation = Optional.of(new Compensation<>(command, payload, confirmedBy));
            return this;
        }

        /** Ends this step: without a reply within {@code timeout} it counts as failed. */
        public Builder<D> timeout(Duration timeout) {
            if (command == null || success == null || failure == null) {
                throw new IllegalStateException("step " + name + " needs send, onSuccess and onFailure");
            }
            saga.steps.add(new Step<>(name, command, payload, success, failure, compensation, timeout));
            return saga;
        }
    }
}
