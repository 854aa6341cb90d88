package io.eventual.operations;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A retention of zero or less would delete every row at the next round: the process refuses to start with one. */
class RetentionConfigTest {

    @Test
    void aRetentionOfZeroOrLessIsRefusedNamingTheKey() {
        assertThatCode(() -> Retention.check(config(Map.of()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> Retention.check(config(Map.of("processedEvents", Duration.ZERO))))
                .hasMessage("eventual.retention.processed-events must be positive, was PT0S");
        assertThatThrownBy(() -> Retention.check(config(Map.of("ledger", Duration.ofDays(-30)))))
                .hasMessage("eventual.retention.ledger must be positive, was PT-720H");
        assertThatThrownBy(() -> Retention.check(config(Map.of("batchSize", 0)))).hasMessageStartingWith("eventual.retention.batch-size");
    }

    /** The defaults of docs/configuration.md, with {@code changed} instead. */
    private static Retention.Config config(Map<String, Object> changed) {
        Map<String, Object> values = new HashMap<>(Map.of("processedEvents", Duration.ofDays(7), "idempotencyKeys",
                Duration.ofDays(7), "endedSagas", Duration.ofDays(30), "ledger", Duration.ofDays(30), "deadLetters",
                Duration.ofDays(30), "eventStoreMonths", 13, "eventStoreArchive", Optional.empty(), "interval",
                Duration.ofMinutes(10), "batchSize", 5000));
        values.putAll(changed);
        return (Retention.Config) Proxy.newProxyInstance(Retention.Config.class.getClassLoader(),
                new Class<?>[] { Retention.Config.class }, (proxy, method, args) -> values.get(method.getName()));
    }
}
