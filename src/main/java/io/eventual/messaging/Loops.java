package io.eventual.messaging;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Asynchronous loops over pages and batches. A loop written as recursion ({@code step().chain(next -> loop(next))})
 * nests one operator per round, and its result travels back through all of them at once: a backlog of some thousands
 * of pages overflows the stack inside an event-loop callback, and the loop never completes. Mutiny's repetition
 * drains in a loop instead.
 */
public final class Loops {

    private Loops() {
    }

    /** Runs {@code step} on {@code start}, then on each result, until a result is {@code done}; that result is the answer. */
    public static <S> Uni<S> until(S start, Function<S, Uni<S>> step, Predicate<S> done) {
        if (done.test(start)) {
            return Uni.createFrom().item(start);
        }
        return Multi.createBy().repeating()
                .uni(() -> new AtomicReference<>(start), last -> step.apply(last.get()).invoke(last::set))
                .whilst(state -> !done.test(state))
                .collect().last();
    }
}
