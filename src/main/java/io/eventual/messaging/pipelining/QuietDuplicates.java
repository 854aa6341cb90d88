package io.eventual.messaging.pipelining;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Hibernate Reactive logs every failed commit as an error. A duplicate delivery fails its commit on purpose (its dedupe
 * record collides with the first one's, see {@link ProcessedEvents}), and the inbox counts and acknowledges it: that
 * line is no error, so it is dropped. Every other failed commit is still logged.
 */
@LoggingFilter(name = "eventual-duplicates")
public final class QuietDuplicates implements Filter {

    private static final String HIBERNATE_CONNECTION = "org.hibernate.reactive.pool.impl.SqlClientConnection";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!HIBERNATE_CONNECTION.equals(record.getLoggerName())) {
            return true;
        }
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        return message == null || !(message.startsWith("Failed to commit transaction") && message.contains("\"processed_event_pkey\""));
    }
}
