package io.eventual.saga;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.Contexts;
import io.eventual.messaging.MessagingConfig;
import io.eventual.messaging.Outage;
import io.eventual.messaging.Outbox;
import io.eventual.messaging.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Fires the step timeouts. Deadlines are stored on the saga rows, so a restart loses none; rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several saga instances can run this side by side.
 */
@ApplicationScoped
class SagaTimeouts {

    private static final Logger LOG = Logger.getLogger(SagaTimeouts.class);
    private final Outage outage = new Outage(LOG, "checking saga timeouts");
    private static final int BATCH = 100;

    private final OrderSaga saga;
    private final Outbox outbox;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    SagaTimeouts(OrderSaga saga, Outbox outbox, Vertx vertx) {
        this.saga = saga;
        this.outbox = outbox;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored, MessagingConfig messaging, SagaConfig config) {
        if (messaging.functions().contains(saga.name())) {
            timer = vertx.setPeriodic(config.timeoutCheckInterval().toMillis(), t -> check());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    private void check() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Contexts.onNewContext(vertx.getOrCreateContext(), () -> Transactions.withTransaction(this::expireDue))
                .subscribe().with(expired -> {
                    running.set(false);
                    outage.succeeded();
                }, error -> {
                    running.set(false);
                    outage.failed(error);
                });
    }

    private Uni<Integer> expireDue() {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select id from saga where deadline < now() "
                        + "order by deadline limit " + BATCH + " for update skip locked", String.class).getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(0) : expire(ids));
    }

    private Uni<Integer> expire(List<String> ids) {
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> saga.expire(id).chain(outbox::append))
                .collect().last()
                .replaceWith(ids.size());
    }
}
