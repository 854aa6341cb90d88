package io.eventual.saga;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.Contexts;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Failures;
import io.eventual.messaging.Outage;
import io.eventual.messaging.Transactions;
import io.eventual.messaging.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Fires the step timeouts. Deadlines are stored on the saga rows, so a restart loses none; each due saga is claimed
 * with {@code FOR UPDATE SKIP LOCKED} and expired in a transaction of its own, so several saga instances can run this
 * side by side and one saga that fails cannot hold back the others.
 */
@ApplicationScoped
class SagaTimeouts {

    private static final Logger LOG = Logger.getLogger(SagaTimeouts.class);
    private final Outage outage = new Outage(LOG, "checking saga timeouts");
    private static final int BATCH = 100;

    private final OrderSaga saga;
    private final Outbox outbox;
    private final Vertx vertx;
    private final java.time.Duration setAside;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    SagaTimeouts(OrderSaga saga, Outbox outbox, Vertx vertx, SagaConfig config) {
        this.setAside = config.compensationTimeout();
        this.saga = saga;
        this.outbox = outbox;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored, EventualConfig messaging, SagaConfig config) {
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
        Context context = vertx.getOrCreateContext();
        Contexts.onNewContext(context, () -> Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("select id from saga where deadline < now() and flow_version <= :runs order by deadline limit "
                        + BATCH, String.class)
                .setParameter("runs", saga.newestVersion()).getResultList())))
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> Contexts.onNewContext(context, () -> expire(id)))
                .collect().last()
                .subscribe().with(done -> {
                    running.set(false);
                    outage.succeeded();
                }, error -> {
                    running.set(false);
                    outage.failed(error);
                });
    }

    /**
     * Expires one saga in a transaction of its own, unless another saga instance has it (its row locked) or it is no
     * longer due. A saga that cannot be expired (its row is corrupt, say) is set aside for
     * {@code eventual.saga.compensation-timeout} and logged: it never holds back the others' timeouts.
     */
    private Uni<Void> expire(String id) {
        return Transactions.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("select id from saga where id = :id and deadline < now() for update skip locked", String.class)
                .setParameter("id", id).getResultList())
                .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().voidItem() : saga.expire(id).chain(outbox::append)))
                .onFailure(error -> !Failures.isTransient(error)).recoverWithUni(error -> {
                    LOG.errorf(error, "saga %s cannot be expired; trying again in %s", id, setAside);
                    return Transactions.withTransaction(() -> Panache.getSession().chain(session -> session
                            .createNativeQuery("update saga set deadline = now() + make_interval(secs => :seconds) where id = :id")
                            .setParameter("seconds", setAside.toMillis() / 1000.0).setParameter("id", id).executeUpdate()))
                            .replaceWithVoid();
                });
    }
}
