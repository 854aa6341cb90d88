package io.eventual.event;

/** The {@code data} of a catalogued event. Every event belongs to one order, which is also its CloudEvents {@code subject}. */
public interface EventData {
    String orderId();
}
