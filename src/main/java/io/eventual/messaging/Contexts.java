package io.eventual.messaging;

import java.util.function.Supplier;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/** Hibernate Reactive needs each unit of work on its own duplicated Vert.x context; this provides one. */
public final class Contexts {

    private Contexts() {
    }

    /** Subscribes to {@code work} on a fresh duplicated context of {@code parent}. */
    public static <T> Uni<T> onNewContext(Context parent, Supplier<Uni<T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(parent);
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().deferred(work::get).runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
