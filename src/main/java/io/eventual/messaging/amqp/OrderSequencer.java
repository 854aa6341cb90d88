package io.eventual.messaging.amqp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs work keyed by order id: one order's work in sequence, in the order it was submitted, different orders in
 * parallel. Used per queue, so a consumer can hold many messages at once and still apply one order's events in order.
 */
final class OrderSequencer {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** Subscribes to {@code work} once the work submitted before under {@code key} has ended (at once for no key). */
    <T> Uni<T> run(String key, Supplier<Uni<T>> work) {
        if (key == null) {
            return Uni.createFrom().deferred(() -> work.get());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, done);
        Uni<Void> turn = previous == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(previous);
        return turn.chain(() -> Uni.createFrom().deferred(() -> work.get())).onTermination().invoke(() -> {
            tails.remove(key, done);
            done.complete(null);
        });
    }
}
