package io.eventual.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Panache transactions with after-commit actions: what is counted or announced inside a transaction happens only once
 * it has committed, never for an attempt that rolled back and is retried.
 */
public final class Transactions {

    private static final String AFTER_COMMIT = "eventual.after-commit";

    private Transactions() {
    }

    /** Runs {@code work} in a transaction, then the actions it registered with {@link #afterCommit}. */
    public static <T> Uni<T> withTransaction(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            List<Runnable> actions = new ArrayList<>();
            Context context = Vertx.currentContext();
            if (context != null) {
                context.putLocal(AFTER_COMMIT, actions);
            }
            return Panache.withTransaction(work).invoke(() -> actions.forEach(Runnable::run));
        });
    }

    /** Registers {@code action} to run once the current transaction has committed (at once outside of one). */
    public static void afterCommit(Runnable action) {
        Context context = Vertx.currentContext();
        List<Runnable> actions = context == null ? null : context.getLocal(AFTER_COMMIT);
        if (actions == null) {
            action.run();
        } else {
            actions.add(action);
        }
    }
}
