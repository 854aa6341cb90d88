package io.eventual.store;

import java.time.Instant;

import io.vertx.mutiny.sqlclient.Row;

/** An event as the store keeps it: where it sits (global position, stream and version) and what it was. */
public record StoredEvent(long transactionId, long position, String streamId, int version, String eventId, String type, int schemaVersion,
        String source, Instant time, String correlationId, String causationId, String data, Instant recordedAt) {

    public static final String COLUMNS = "transaction_id, position, stream_id, version, event_id, type, schema_version, source, time, "
            + "correlation_id, causation_id, data, recorded_at";

    public static StoredEvent of(Row row) {
        return new StoredEvent(row.getLong("transaction_id"), row.getLong("position"), row.getString("stream_id"),
                row.getInteger("version"),
                row.getString("event_id"), row.getString("type"), row.getInteger("schema_version"), row.getString("source"),
                row.getOffsetDateTime("time").toInstant(), row.getString("correlation_id"), row.getString("causation_id"),
                row.getString("data"), row.getOffsetDateTime("recorded_at").toInstant());
    }

    public GlobalPosition global() {
        return new GlobalPosition(transactionId, position);
    }
}
