package io.eventual.saga;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One entry in a saga's history: an event it received or sent, or a deadline that passed. */
@RegisterForReflection // written as JSON outside REST signatures
public record HistoryEntry(String type, String eventId, Instant time, String direction) {
    public static final String RECEIVED = "received";
    public static final String SENT = "sent";
    public static final String TIMER = "timer";
}
