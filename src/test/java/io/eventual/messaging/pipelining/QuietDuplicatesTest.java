package io.eventual.messaging.pipelining;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.junit.jupiter.api.Test;

/** A duplicate delivery's failed commit is not logged as an error; any other failed commit still is. */
class QuietDuplicatesTest {

    private final QuietDuplicates filter = new QuietDuplicates();

    @Test
    void dropsTheCommitFailureOfADuplicateDeliveryOnly() {
        assertThat(
                filter.isLoggable(commitFailure("ERROR: duplicate key value violates unique constraint \"processed_event_pkey\" (23505)")))
                .isFalse();
        assertThat(filter.isLoggable(commitFailure("ERROR: duplicate key value violates unique constraint \"payment_pkey\" (23505)")))
                .isTrue();
        assertThat(filter.isLoggable(commitFailure("Failed to read any response from the server"))).isTrue();

        ExtLogRecord elsewhere = new ExtLogRecord(Level.ERROR, "Failed to commit transaction: \"processed_event_pkey\"",
                getClass().getName());
        elsewhere.setLoggerName("io.eventual.Something");
        assertThat(filter.isLoggable(elsewhere)).isTrue();
    }

    /** As Hibernate Reactive logs it: errorf("Failed to commit transaction: %s", cause.getMessage()). */
    private static ExtLogRecord commitFailure(String cause) {
        ExtLogRecord record = new ExtLogRecord(Level.ERROR, "Failed to commit transaction: %s", ExtLogRecord.FormatStyle.PRINTF,
                QuietDuplicatesTest.class.getName());
        record.setParameters(new Object[] { cause });
        record.setLoggerName("org.hibernate.reactive.pool.impl.SqlClientConnection");
        return record;
    }
}
