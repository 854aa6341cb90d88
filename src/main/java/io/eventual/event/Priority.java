package io.eventual.event;

import java.util.Locale;

/**
 * How urgent an order's events are. Carried as the CloudEvents extension {@code priority} and mapped onto the AMQP
 * header priority (0–9), which the broker honours when messages wait in a queue.
 */
public enum Priority {
    LOW(1),
    NORMAL(4),
    HIGH(9);

    private final int amqp;

    Priority(int amqp) {
        this.amqp = amqp;
    }

    public int amqp() {
        return amqp;
    }

    /** Reads the attribute value; absent means {@link #NORMAL}. */
    public static Priority parse(String value) {
        if (value == null || value.isBlank()) {
            return NORMAL;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("priority", "must be LOW, NORMAL or HIGH, was " + value);
        }
    }
}
