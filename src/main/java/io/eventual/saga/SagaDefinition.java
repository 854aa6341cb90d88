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
 * A saga as data, in one version: the event that starts it, its steps in order (each a command, its success and
 * failure replies, an optional compensation with the reply that confirms it, and a timeout), and the events that end
 * it. {@link SagaEngine} runs any definition; it knows nothing about orders.
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
    private final int version;
    private final EventType start;
    private final Class<D> dataClass;
    private final List<Step<D>> steps;
    private final EventType completed;
    private final Function<D, EventData> completion;
    private final EventType cancelled;
    private final BiFunction<D, String, EventData> cancellation;

    private SagaDefinition(Builder<D> b, EventType completed, Function<D, EventData> completion, EventType cancelled,
            BiFunction<D, String, EventData> cancellation) {
        this(b.name, b.version, b.start, b.dataClass, b.steps, completed, completion, cancelled, cancellation);
    }

    private SagaDefinition(String name, int version, EventType start, Class<D> dataClass, List<Step<D>> steps,
            EventType completed, Function<D, EventData> completion, EventType cancelled,
            BiFunction<D, String, EventData> cancellation) {
        this.name = name;
        this.version = version;
        this.start = start;
        this.dataClass = dataClass;
        this.steps = List.copyOf(steps);
        this.completed = completed;
        this.completion = completion;
        this.cancelled = cancelled;
        this.cancellation = cancellation;
    }

    /** A flow {@code name} in {@code version}: a saga keeps the version it started on until it ends. */
    public static Named flow(String name, int version) {
        return new Named(name, version);
    }

    /** This flow as {@code version}, which had every step of it but {@code step}. */
    public SagaDefinition<D> versionWithout(int version, String step) {
        List<Step<D>> fewer = steps.stream().filter(s -> !s.name().equals(step)).toList();
        if (fewer.size() == steps.size()) {
            throw new IllegalArgumentException(name + " has no step " + step);
        }
        return new SagaDefinition<>(name, version, start, dataClass, fewer, completed, completion, cancelled, cancellation);
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    /**
     * What an instance in flight depends on, in one line: the events in and out of each step, in order. Two definitions
     * with the same shape can take over each other's instances; changing a version's shape strands or corrupts them.
     */
    public String shape() {
        StringBuilder shape = new StringBuilder(name + " " + version + ": " + start.typeName());
        for (Step<D> step : steps) {
            shape.append(" > ").append(step.name()).append(" ").append(step.command().typeName()).append(" ? ")
                    .append(step.success().typeName()).append(" | ").append(step.failure().typeName());
            step.compensation().ifPresent(c -> shape.append(" undo ").append(c.command().typeName()).append(" ? ")
                    .append(c.confirmedBy().typeName()));
        }
        return shape.append(" > ").append(completed.typeName()).append(" | ").append(cancelled.typeName()).toString();
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
        private final int version;

        private Named(String name, int version) {
            this.name = name;
            this.version = version;
        }

        public <D extends EventData> Builder<D> startsOn(EventType start, Class<D> dataClass) {
            return new Builder<>(name, version, start, dataClass);
        }
    }

    public static final class Builder<D extends EventData> {
        private final String name;
        private final int version;
        private final EventType start;
        private final Class<D> dataClass;
        private final List<Step<D>> steps = new ArrayList<>();

        private Builder(String name, int version, EventType start, Class<D> dataClass) {
            this.name = name;
            this.version = version;
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
