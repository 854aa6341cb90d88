package io.eventual.event;

/** A reply that says a step did not happen, and why. */
public interface Failure extends OrderEvent {
    String reason();
}
