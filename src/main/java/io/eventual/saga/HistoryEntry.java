package io.eventual.saga;

import java.time.Instant;

/** One entry in a saga's history: an event it received or sent, or a deadline that passed. */
public record HistoryEntry(String type, String eventId, Instant time, String direction) {
    public static final String RECEIVED = "received";
    public static final String SENT = "sent";
    public static final String TIMER = "timer";
}
