package io.eventual.messaging;

import io.vertx.pgclient.PgException;

/**
 * Per-order parking: once a consumer has given up on one of an order's events (a dead letter of class
 * {@code exhausted}), the order's later events at that consumer are parked behind it (class {@code held}) instead of
 * being applied around it. Redriving or discarding the first lets them go one after the other: each is sent back
 * marked with its dead letter's id ({@value #RELEASE}) only once the one before it is applied, in that one's
 * transaction, so they cannot overtake each other even on different queues. The check rides on the statement that
 * marks an event applied and fails its transaction with SQLSTATE {@value #HELD} (V20), so an order that holds nothing
 * costs no extra round trip.
 */
public final class HeldOrders {

    /** The condition of {@link ProcessedEvents#INSERT}: true, or the error {@value #HELD}. */
    static final String GUARD = "eventual_admit(:consumer, :subject, :eventId, :release, :owner)";
    /** The attribute a released event carries: the id of its dead letter. */
    public static final String RELEASE = "eventualrelease";
    static final String HELD = "EVH01";

    private HeldOrders() {
    }

    /** Whether {@code error} says the event's order is held; its message names the dead letter it waits behind. */
    static boolean isHeld(Throwable error) {
        PgException pg = Failures.database(error);
        return pg != null && HELD.equals(pg.getSqlState());
    }

    static String reason(Throwable error) {
        return Failures.database(error).getErrorMessage();
    }
}
