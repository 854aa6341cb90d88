package io.eventual.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A CloudEvent 1.0 of a catalogued type. {@code subject} is its stream: the order id for an order's events; {@code correlationId} is shared by every
 * event of one order's flow; {@code causationId} is the id of the event this one answers; {@code priority} is the
 * order's, inherited by everything it causes.
 */
public record Event(
        String id,
        EventType type,
        String source,
        String subject,
        Instant time,
        int schemaVersion,
        String correlationId,
        String causationId,
        Priority priority,
        EventData data) {

    /** The first event of a flow: it starts a new correlation. */
    public static Event first(String source, EventData data, Priority priority) {
        String id = UUID.randomUUID().toString();
        return create(id, source, data, id, null, priority);
    }

    /** An event emitted because of {@code this} one: same correlation, caused by this event. */
    public Event cause(String source, EventData data) {
        return causedBy(source, data, correlationId, id, priority);
    }

    /** An event of the flow {@code correlationId}, caused by the event {@code causationId}. */
    public static Event causedBy(String source, EventData data, String correlationId, String causationId,
            Priority priority) {
        return create(UUID.randomUUID().toString(), source, data, correlationId, causationId, priority);
    }

    private static Event create(String id, String source, EventData data, String correlationId, String causationId,
            Priority priority) {
        EventType type = EventType.ofData(data);
        return new Event(id, type, source, data.subject(), now(), type.schemaVersion(), correlationId, causationId,
                priority, data);
    }

    private static Instant now() {
        // Milliseconds: what an AMQP timestamp carries (and less than PostgreSQL keeps), so the event travels and reads
        // back equal.
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
