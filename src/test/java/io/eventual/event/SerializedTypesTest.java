package io.eventual.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A native image can (de)serialise every catalogued event: none is missing from the reflection registrations. */
class SerializedTypesTest {

    @Test
    void everyCataloguedDataTypeIsRegisteredForReflection() {
        List<Class<?>> registered = Arrays.asList(SerializedTypes.class.getAnnotation(RegisterForReflection.class).targets());
        assertThat(registered).containsAll(Arrays.stream(EventType.values()).<Class<?>> map(EventType::dataClass).toList());
    }
}
