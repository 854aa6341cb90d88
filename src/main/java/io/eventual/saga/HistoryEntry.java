package io.eventual.saga;

import java.time.Instant;

/** One event in a saga's history: what happened, when, and whether the saga received or sent it. */
public record HistoryEntry(String type, String eventId, Instant time, String direction) {
    public static final String RECEIVED = "received";
    public static final String SENT = "sent";
}
