package io.eventual.messaging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.eventual.event.EventType;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Events as the event store records them, and who records which. A function records the events it emits in the
 * transaction that writes them to its outbox, so the broker need not copy them to the store: it copies only the types
 * outside producers may publish too ({@link EventType#inbound()}) and types the catalogue does not know. Those the
 * store may then get twice, from their writer and from the broker, so their recording is deduplicated by event id; so
 * is an inbound event a function records as it applies it, which keeps an outside producer's order placed ahead of the
 * saga's answer in the order's stream.
 */
@ApplicationScoped
public class StoreRecords {

    /** Appends a JSON array of {@link StoreRecord}s and returns the stored rows (migration V16). */
    public static final String APPEND = "eventual_event_store_record";
    private static final String UNKNOWN_STREAM = "unknown";

    /** One event to record at the end of its stream; {@code dedupe}: skipped if its id was recorded before. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @RegisterForReflection
    public record StoreRecord(String streamId, String eventId, String type, int schemaVersion, String source,
            Instant time, String correlationId, String causationId, String data, boolean dedupe) {
    }

    private final ObjectMapper mapper;

    StoreRecords(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Whether the broker copies events of {@code type} to the store's queue. */
    public static boolean copiedByTheBroker(EventType type) {
        return type.inbound();
    }

    /** The filter of the store's queue: every address but those of the catalogue's types the broker does not copy. */
    public static String storeQueueFilter() {
        return "AMQAddress NOT IN (" + Arrays.stream(EventType.values()).filter(type -> !copiedByTheBroker(type))
                .map(type -> "'" + type.typeName() + "'").collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The event published with CloudEvents {@code attributes} and {@code data}, as published, in the stream of its
     * subject or else of the order its data names; empty when the attributes are not a CloudEvent's.
     */
    public Optional<StoreRecord> published(Map<String, String> attributes, String data, boolean dedupe) {
        String id = attributes.get("id");
        if (id == null || attributes.get("type") == null || attributes.get("source") == null) {
            return Optional.empty();
        }
        String stream = attributes.containsKey("subject") ? attributes.get("subject") : orderIdOf(data);
        return Optional.of(new StoreRecord(stream, id, attributes.get("type"), number(attributes.get("schemaversion")),
                attributes.get("source"), time(attributes.get("time")), attributes.getOrDefault("correlationid", id),
                attributes.get("causationid"), data, dedupe));
    }

    /** {@code records} as the argument of {@link #APPEND}. */
    public String json(List<StoreRecord> records) {
        try {
            return mapper.writeValueAsString(records);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String orderIdOf(String data) {
        try {
            String orderId = mapper.readTree(data).path("orderId").asText("");
            return orderId.isBlank() ? UNKNOWN_STREAM : orderId;
        } catch (java.io.IOException e) {
            return UNKNOWN_STREAM;
        }
    }

    private static int number(String value) {
        try {
            return value == null ? 1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static Instant time(String value) {
        try {
            return value == null ? Instant.now() : OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
