package io.eventual.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventData;
import io.eventual.event.Failure;
import io.eventual.event.Priority;
import io.eventual.messaging.Transactions;
import io.eventual.saga.SagaDefinition.Step;

/**
 * Runs a {@link SagaDefinition} against a {@link SagaInstance}: given the instance and an event, it moves the state
 * forward and returns the events to emit. A reply that does not fit the current state (stale, duplicate, out of order)
 * changes nothing, so a saga never moves backwards.
 */
final class SagaEngine<D extends EventData> {

    static final String COMPENSATING = "COMPENSATING";
    static final String COMPLETED = "COMPLETED";
    static final String CANCELLED = "CANCELLED";
    private static final Logger LOG = Logger.getLogger(SagaEngine.class);
    private static final TypeReference<List<HistoryEntry>> HISTORY = new TypeReference<>() {
    };

    private final SagaDefinition<D> definition;
    private final ObjectMapper mapper;
    private final String source;
    private final SagaConfig config;
    private final SagaMetrics metrics;

    SagaEngine(SagaDefinition<D> definition, ObjectMapper mapper, String source, SagaConfig config, SagaMetrics metrics) {
        this.definition = definition;
        this.mapper = mapper;
        this.source = source;
        this.config = config;
        this.metrics = metrics;
    }

    int version() {
        return definition.version();
    }

    /** A new instance for the starting event, and the first step's command. */
    SagaInstance start(Event started, List<Event> emitted) {
        SagaInstance saga = new SagaInstance();
        saga.id = started.subject();
        saga.saga = definition.name();
        saga.flowVersion = definition.version();
        saga.correlationId = started.correlationId();
        saga.priority = started.priority().name();
        saga.data = write(started.data());
        saga.createdAt = Instant.now();
        record(saga, started, HistoryEntry.RECEIVED);
        enter(saga, 0, started.id(), emitted);
        Transactions.afterCommit(() -> metrics.started(definition.name()));
        return saga;
    }

    /** Applies a reply to {@code saga}; returns what to emit (nothing when the reply does not fit). */
    List<Event> apply(SagaInstance saga, Event reply) {
        List<Event> emitted = new ArrayList<>();
        List<Step<D>> steps = definition.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step<D> step = steps.get(i);
            if (reply.type() == step.success()) {
                succeeded(saga, i, reply, emitted);
            } else if (reply.type() == step.failure()) {
                failed(saga, i, reply, emitted);
            } else if (step.compensation().filter(c -> c.confirmedBy() == reply.type()).isPresent()) {
                compensated(saga, reply, emitted);
            }
        }
        return emitted;
    }

    private void succeeded(SagaInstance saga, int index, Event reply, List<Event> emitted) {
        Step<D> step = definition.steps().get(index);
        if (saga.step == index && step.pendingStatus().equals(saga.status)) {
            record(saga, reply, HistoryEntry.RECEIVED);
            enter(saga, index + 1, reply.id(), emitted);
        } else if ((COMPENSATING.equals(saga.status) || CANCELLED.equals(saga.status))
                && step.compensation().isPresent() && !names(saga.compensated).contains(step.name())) {
            // The step succeeded after the saga gave up on it: undo it too.
            record(saga, reply, HistoryEntry.RECEIVED);
            compensate(saga, step, reply.id(), emitted);
        } else {
            ignore(saga, reply);
        }
    }

    private void failed(SagaInstance saga, int index, Event reply, List<Event> emitted) {
        Step<D> step = definition.steps().get(index);
        if (saga.step != index || !step.pendingStatus().equals(saga.status)) {
            ignore(saga, reply);
            return;
        }
        record(saga, reply, HistoryEntry.RECEIVED);
        giveUp(saga, index, step.name() + " failed: " + ((Failure) reply.data()).reason(), reply.id(), emitted);
    }

    /**
     * The deadline has passed: a step still waiting for its reply counts as failed; compensations still unconfirmed
     * are sent again (participants apply them at most once).
     */
    List<Event> expire(SagaInstance saga) {
        List<Event> emitted = new ArrayList<>();
        if (saga.deadline == null || saga.deadline.isAfter(Instant.now())) {
            return emitted;
        }
        if (COMPENSATING.equals(saga.status)) {
            recordTimer(saga, "compensation");
            Transactions.afterCommit(() -> metrics.timedOut(definition.name(), "compensation"));
            for (Step<D> step : definition.steps()) {
                step.compensation().filter(c -> names(saga.awaiting).contains(c.confirmedBy().typeName()))
                        .ifPresent(c -> emit(saga, c.payload().apply(data(saga)), null, emitted));
            }
            saga.deadline = Instant.now().plus(config.compensationTimeout());
            return emitted;
        }
        Step<D> step = definition.steps().get(saga.step);
        if (step.pendingStatus().equals(saga.status)) {
            recordTimer(saga, step.name());
            Transactions.afterCommit(() -> metrics.timedOut(definition.name(), step.name()));
            giveUp(saga, saga.step, step.name() + " timed out after " + timeout(step).toSeconds() + "s", null, emitted);
        }
        return emitted;
    }

    private void giveUp(SagaInstance saga, int index, String reason, String causationId, List<Event> emitted) {
        saga.reason = reason;
        for (int done = index - 1; done >= 0; done--) {
            Step<D> completed = definition.steps().get(done);
            if (completed.compensation().isPresent()) {
                compensate(saga, completed, causationId, emitted);
            }
        }
        if (names(saga.awaiting).isEmpty()) {
            cancel(saga, causationId, emitted);
        } else {
            saga.status = COMPENSATING;
            saga.deadline = Instant.now().plus(config.compensationTimeout());
        }
    }

    private void compensated(SagaInstance saga, Event reply, List<Event> emitted) {
        Set<String> awaiting = names(saga.awaiting);
        if (!COMPENSATING.equals(saga.status) || !awaiting.remove(reply.type().typeName())) {
            ignore(saga, reply);
            return;
        }
        record(saga, reply, HistoryEntry.RECEIVED);
        saga.awaiting = String.join(",", awaiting);
        if (awaiting.isEmpty()) {
            cancel(saga, reply.id(), emitted);
        }
    }

    private void enter(SagaInstance saga, int index, String causationId, List<Event> emitted) {
        D data = data(saga);
        saga.step = index;
        if (index < definition.steps().size()) {
            Step<D> step = definition.steps().get(index);
            saga.status = step.pendingStatus();
            saga.deadline = Instant.now().plus(timeout(step));
            emit(saga, step.payload().apply(data), causationId, emitted);
        } else {
            saga.status = COMPLETED;
            saga.deadline = null;
            Duration took = Duration.between(saga.createdAt, Instant.now());
            Transactions.afterCommit(() -> {
                metrics.completed(definition.name(), took);
                LOG.infof("%s %s completed in %d ms", definition.name(), saga.id, took.toMillis());
            });
            emit(saga, definition.completion(data), causationId, emitted);
        }
    }

    private void compensate(SagaInstance saga, Step<D> step, String causationId, List<Event> emitted) {
        SagaDefinition.Compensation<D> compensation = step.compensation().orElseThrow();
        Set<String> compensated = names(saga.compensated);
        compensated.add(step.name());
        saga.compensated = String.join(",", compensated);
        if (!CANCELLED.equals(saga.status)) {
            Set<String> awaiting = names(saga.awaiting);
            awaiting.add(compensation.confirmedBy().typeName());
            saga.awaiting = String.join(",", awaiting);
        }
        emit(saga, compensation.payload().apply(data(saga)), causationId, emitted);
    }

    private void cancel(SagaInstance saga, String causationId, List<Event> emitted) {
        saga.status = CANCELLED;
        saga.deadline = null;
        Duration took = Duration.between(saga.createdAt, Instant.now());
        String reason = saga.reason == null ? "unknown" : saga.reason.replaceFirst("^(\\S+ (failed|timed out)).*", "$1");
        Transactions.afterCommit(() -> {
            metrics.cancelled(definition.name(), reason, took);
            // A business outcome, not an error: no stack trace.
            LOG.infof("%s %s cancelled after %d ms: %s", definition.name(), saga.id, took.toMillis(), saga.reason);
        });
        emit(saga, definition.cancellation(data(saga), saga.reason), causationId, emitted);
    }

    private void emit(SagaInstance saga, EventData data, String causationId, List<Event> emitted) {
        Event event = Event.causedBy(source, data, saga.correlationId, causationId, Priority.valueOf(saga.priority));
        record(saga, event, HistoryEntry.SENT);
        emitted.add(event);
    }

    private Duration timeout(Step<D> step) {
        return config.timeouts().getOrDefault(step.name(), step.timeout());
    }

    private void ignore(SagaInstance saga, Event reply) {
        LOG.infof("saga %s in %s ignores %s %s: it does not fit the current state", saga.id, saga.status, reply.type(),
                reply.id());
    }

    private void record(SagaInstance saga, Event event, String direction) {
        append(saga, new HistoryEntry(event.type().typeName(), event.id(), event.time(), direction));
    }

    private void recordTimer(SagaInstance saga, String what) {
        append(saga, new HistoryEntry(what + ".timeout", null, Instant.now(), HistoryEntry.TIMER));
    }

    private void append(SagaInstance saga, HistoryEntry entry) {
        List<HistoryEntry> history = history(saga);
        history.add(entry);
        saga.history = write(history);
        saga.updatedAt = Instant.now();
    }

    List<HistoryEntry> history(SagaInstance saga) {
        try {
            return new ArrayList<>(mapper.readValue(saga.history, HISTORY));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt history of saga " + saga.id, e);
        }
    }

    D data(SagaInstance saga) {
        try {
            return mapper.readValue(saga.data, definition.dataClass());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt data of saga " + saga.id, e);
        }
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> names(String csv) {
        Set<String> names = new LinkedHashSet<>();
        if (csv != null && !csv.isBlank()) {
            names.addAll(Arrays.asList(csv.split(",")));
        }
        return names;
    }
}
