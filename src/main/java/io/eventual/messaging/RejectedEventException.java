package io.eventual.messaging;

/** A well-formed event that its consumer can never apply; it is dead-lettered at once instead of being retried. */
public class RejectedEventException extends RuntimeException {
    public RejectedEventException(String message) {
        super(message);
    }
}
