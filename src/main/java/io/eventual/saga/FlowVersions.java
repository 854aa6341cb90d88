package io.eventual.saga;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.eventual.event.EventData;
import io.eventual.event.EventType;

/**
 * The versions of one flow a build has. A saga runs on the version it started on until it ends, so a version stays
 * while sagas on it may be in flight: {@code FlowVersionsTest} fails the build when a recorded version is changed or
 * removed without being retired, and the saga function refuses to start next to sagas in flight on a version it lacks.
 */
final class FlowVersions<D extends EventData> {

    private final NavigableMap<Integer, SagaDefinition<D>> versions = new TreeMap<>();

    @SafeVarargs
    FlowVersions(SagaDefinition<D>... definitions) {
        for (SagaDefinition<D> definition : definitions) {
            if (!definition.name().equals(definitions[0].name()) || versions.put(definition.version(), definition) != null) {
                throw new IllegalArgumentException("one version each of one flow: " + definition.shape());
            }
        }
    }

    String name() {
        return versions.firstEntry().getValue().name();
    }

    SagaDefinition<D> newest() {
        return versions.lastEntry().getValue();
    }

    int oldest() {
        return versions.firstKey();
    }

    Optional<SagaDefinition<D>> of(int version) {
        return Optional.ofNullable(versions.get(version));
    }

    Collection<SagaDefinition<D>> all() {
        return versions.values();
    }

    /** Every event type some version consumes, in the order the versions list them. */
    Set<EventType> consumes() {
        Set<EventType> types = new LinkedHashSet<>();
        versions.values().forEach(v -> types.addAll(v.consumes()));
        return types;
    }
}
