package io.eventual.store;

import java.time.Instant;

/** An event to append: its CloudEvent attributes and its {@code data} as JSON. */
public record NewEvent(String eventId, String type, int schemaVersion, String source, Instant time, String correlationId,
        String causationId, String data) {
}
