package io.eventual.messaging;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.eventual.operations.Jobs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A failure group's dead letters redriven or discarded as a background job: the ones there are when it starts (not
 * those it parks again), oldest first. Doing a round again after a take-over is harmless: a dead letter redriven or
 * discarded is gone.
 */
@ApplicationScoped
public class FailureGroups {

    public static final String REDRIVE = "dead-letters.redrive";
    public static final String DISCARD = "dead-letters.discard";

    /** Where a group's job stands: the group, the last dead letter it handled and the newest it will. */
    public record Cursor(String consumer, String eventType, String reasonClass, long after, long upTo) {

        Cursor after(long id) {
            return new Cursor(consumer, eventType, reasonClass, id, upTo);
        }
    }

    private final DeadLetters deadLetters;

    FailureGroups(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Where a job over the group starts: before its oldest dead letter, up to the newest there is now. */
    public Uni<Cursor> start(String consumer, String eventType, String reasonClass) {
        return deadLetters.lastId().map(upTo -> new Cursor(consumer, eventType, reasonClass, 0, upTo));
    }

    @Produces
    @Singleton
    Jobs.Kind<Cursor> redrive() {
        return kind(REDRIVE, id -> deadLetters.redrive(id).map(done -> done == DeadLetters.Redrive.REDRIVEN));
    }

    @Produces
    @Singleton
    Jobs.Kind<Cursor> discard() {
        return kind(DISCARD, deadLetters::discard);
    }

    private Jobs.Kind<Cursor> kind(String name, Function<Long, Uni<Boolean>> one) {
        return Jobs.Kind.of(name, Cursor.class, from -> {
            AtomicReference<Cursor> at = new AtomicReference<>(from);
            return Jobs.Work.of(max -> {
                Cursor c = at.get();
                return deadLetters.idsOf(c.consumer(), c.eventType(), c.reasonClass(), c.after(), c.upTo(), max)
                        .chain(ids -> handle(ids, id -> one.apply(id).invoke(() -> at.set(at.get().after(id)))));
            }, at::get);
        });
    }

    private static Uni<Integer> handle(List<Long> ids, Function<Long, Uni<?>> one) {
        return ids.isEmpty() ? Uni.createFrom().item(0)
                : Multi.createFrom().iterable(ids).onItem().transformToUniAndConcatenate(one::apply).collect().asList()
                        .map(List::size);
    }
}
