package io.eventual.operations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.outbox.OutboxRelay;
import io.eventual.projection.OrderViews;
import io.eventual.saga.SagaMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Gauges of state that lives in the database, read every {@code eventual.metrics.refresh-interval}: outbox backlog,
 * sagas in flight by status, projection lag. They describe the whole system, so every process reports the same values
 * (take the max across pods, not the sum). Only processes that run the {@code store} function read them.
 */
@ApplicationScoped
class StateGauges {

    private static final Logger LOG = Logger.getLogger(StateGauges.class);

    private final OutboxRelay relay;
    private final SagaMetrics sagas;
    private final OrderViews views;
    private final Vertx vertx;
    private final AtomicReference<OutboxRelay.Backlog> backlog = new AtomicReference<>(new OutboxRelay.Backlog(0, 0));
    private final AtomicReference<OrderViews.Lag> lag = new AtomicReference<>(new OrderViews.Lag(0, 0));
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private MultiGauge inFlight;
    private long timer = -1;

    StateGauges(OutboxRelay relay, SagaMetrics sagas, OrderViews views, Vertx vertx) {
        this.relay = relay;
        this.sagas = sagas;
        this.views = views;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ignored, MeterRegistry registry, OperationsConfig config, EventualConfig messaging) {
        if (!messaging.functions().contains("store")) {
            return; // one kind of process reads them for the whole system
        }
        Gauge.builder("eventual.outbox.waiting", backlog, b -> b.get().events())
                .description("Events committed but not yet published").register(registry);
        Gauge.builder("eventual.outbox.oldest.age", backlog, b -> b.get().oldestSeconds()).baseUnit("seconds")
                .description("Age of the oldest unpublished event").register(registry);
        Gauge.builder("eventual.projection.lag.events", lag, l -> l.get().events())
                .description("Events recorded but not yet in the order view").register(registry);
        Gauge.builder("eventual.projection.lag", lag, l -> l.get().seconds()).baseUnit("seconds")
                .description("Age of the oldest event not yet in the order view").register(registry);
        inFlight = MultiGauge.builder("eventual.sagas.in.flight").description("Sagas not yet ended, by status")
                .register(registry);
        refresh();
        timer = vertx.setPeriodic(config.refreshInterval().toMillis(), t -> refresh());
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        Uni.combine().all().unis(relay.backlog(), views.lag(), sagas.inFlight()).asTuple()
                .subscribe().with(values -> {
                    backlog.set(values.getItem1());
                    lag.set(values.getItem2());
                    inFlight.register(rows(values.getItem3()), true);
                    refreshing.set(false);
                }, error -> {
                    refreshing.set(false);
                    LOG.debugf("cannot refresh the state gauges: %s", error.getMessage());
                });
    }

    private static List<MultiGauge.Row<?>> rows(Map<String, Long> byStatus) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byStatus.forEach((status, count) -> rows.add(MultiGauge.Row.of(Tags.of("status", status), count)));
        return rows;
    }
}
