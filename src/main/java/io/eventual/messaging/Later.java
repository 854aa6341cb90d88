package io.eventual.messaging;

/**
 * An event this process cannot apply yet, though another can (a saga on a flow version only a newer build runs): waited
 * out like an outage, never counted as a failed attempt or parked. During a rolling upgrade the event goes to a newer
 * process once this one is replaced.
 */
public class Later extends RuntimeException {

    public Later(String message) {
        super(message, null, false, false);
    }
}
