package io.eventual.messaging;

import java.util.Set;

import io.vertx.pgclient.PgException;

/**
 * Tells failures worth waiting out (the database or broker is away, a concurrent writer won, another process is the
 * one to apply it: {@link Later}) from real ones.
 */
public final class Failures {

    /** PostgreSQL SQLSTATEs: connection problems, shutdown, serialization and deadlock, duplicate key (a racing insert). */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "23505", "53300", "57P01", "57P02", "57P03");
    private static final Set<String> TRANSIENT_TYPES = Set.of("ConnectException", "ClosedConnectionException",
            "OptimisticLockException", "StaleObjectStateException", "StaleStateException", "TimeoutException",
            "NoStackTraceTimeoutException", "AnnotatedConnectException", Later.class.getSimpleName());

    private Failures() {
    }

    public static boolean isTransient(Throwable error) {
        PgException pg = database(error);
        if (pg != null && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("08") || TRANSIENT_STATES.contains(pg.getSqlState()))) {
            return true;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (TRANSIENT_TYPES.contains(t.getClass().getSimpleName())) {
                return true;
            }
        }
        return false;
    }

    /** The database's error among {@code error} and its causes, or null. */
    static PgException database(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }
}
