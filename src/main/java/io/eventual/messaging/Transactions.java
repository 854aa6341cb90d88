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

    private static final String HOOKS = "eventual.transaction-hooks";

    /** What to do once the transaction of this context has ended, one way or the other. */
    private record Hooks(List<Runnable> committed, List<Runnable> rolledBack) {
    }

    private Transactions() {
    }

    /** Runs {@code work} in a transaction, then the actions it registered with {@link #afterCommit}. */
    public static <T> Uni<T> withTransaction(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Hooks hooks = new Hooks(new ArrayList<>(), new ArrayList<>());
            Context context = Vertx.currentContext();
            if (context != null) {
                context.putLocal(HOOKS, hooks);
            }
            return Panache.withTransaction(work)
                    .invoke(() -> hooks.committed().forEach(Runnable::run))
                    .onFailure().invoke(() -> hooks.rolledBack().forEach(Runnable::run));
        });
    }

    /** Registers {@code action} to run once the current transaction has committed (at once outside of one). */
    public static void afterCommit(Runnable action) {
        Hooks hooks = hooks();
        if (hooks == null) {
            action.run();
        } else {
            hooks.committed().add(action);
        }
    }

    /** Registers what to do once the current transaction has committed, or rolled back; fails outside of one. */
    public static void whenEnded(Runnable committed, Runnable rolledBack) {
        Hooks hooks = hooks();
        if (hooks == null) {
            throw new IllegalStateException("must run inside Transactions.withTransaction");
        }
        hooks.committed().add(committed);
        hooks.rolledBack().add(rolledBack);
    }

    private static Hooks hooks() {
        Context context = Vertx.currentContext();
        return context == null ? null : context.getLocal(HOOKS);
    }
}
