package io.eventual.saga;

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

    SagaEngine(SagaDefinition<D> definition, ObjectMapper mapper, String source) {
        this.definition = definition;
        this.mapper = mapper;
        this.source = source;
    }

    /** A new instance for the starting event, and the first step's command. */
    SagaInstance start(Event started, List<Event> emitted) {
        SagaInstance saga = new SagaInstance();
        saga.id = started.subject();
        saga.saga = definition.name();
        saga.correlationId = started.correlationId();
        saga.data = write(started.data());
        saga.createdAt = Instant.now();
        record(saga, started, HistoryEntry.RECEIVED);
        enter(saga, 0, started, emitted);
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
            enter(saga, index + 1, reply, emitted);
        } else if ((COMPENSATING.equals(saga.status) || CANCELLED.equals(saga.status))
                && step.compensation().isPresent() && !names(saga.compensated).contains(step.name())) {
            // The step succeeded after the saga gave up on it: undo it too.
            record(saga, reply, HistoryEntry.RECEIVED);
            compensate(saga, step, reply, emitted);
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
        saga.reason = step.name() + " failed: " + ((Failure) reply.data()).reason();
        for (int done = index - 1; done >= 0; done--) {
            Step<D> completed = definition.steps().get(done);
            if (completed.compensation().isPresent()) {
                compensate(saga, completed, reply, emitted);
            }
        }
        if (names(saga.awaiting).isEmpty()) {
            cancel(saga, reply, emitted);
        } else {
            saga.status = COMPENSATING;
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
            cancel(saga, reply, emitted);
        }
    }

    private void enter(SagaInstance saga, int index, Event cause, List<Event> emitted) {
        D data = data(saga);
        saga.step = index;
        if (index < definition.steps().size()) {
            Step<D> step = definition.steps().get(index);
            saga.status = step.pendingStatus();
            emit(saga, step.payload().apply(data), cause, emitted);
        } else {
            saga.status = COMPLETED;
            emit(saga, definition.completion(data), cause, emitted);
        }
    }

    private void compensate(SagaInstance saga, Step<D> step, Event cause, List<Event> emitted) {
        SagaDefinition.Compensation<D> compensation = step.compensation().orElseThrow();
        Set<String> compensated = names(saga.compensated);
        compensated.add(step.name());
        saga.compensated = String.join(",", compensated);
        if (!CANCELLED.equals(saga.status)) {
            Set<String> awaiting = names(saga.awaiting);
            awaiting.add(compensation.confirmedBy().typeName());
            saga.awaiting = String.join(",", awaiting);
        }
        emit(saga, compensation.payload().apply(data(saga)), cause, emitted);
    }

    private void cancel(SagaInstance saga, Event cause, List<Event> emitted) {
        saga.status = CANCELLED;
        emit(saga, definition.cancellation(data(saga), saga.reason), cause, emitted);
    }

    private void emit(SagaInstance saga, EventData data, Event cause, List<Event> emitted) {
        Event event = Event.causedBy(source, data, saga.correlationId, cause.id());
        record(saga, event, HistoryEntry.SENT);
        emitted.add(event);
    }

    private void ignore(SagaInstance saga, Event reply) {
        LOG.infof("saga %s in %s ignores %s %s: it does not fit the current state", saga.id, saga.status, reply.type(),
                reply.id());
    }

    private void record(SagaInstance saga, Event event, String direction) {
        List<HistoryEntry> history = history(saga);
        history.add(new HistoryEntry(event.type().typeName(), event.id(), event.time(), direction));
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
