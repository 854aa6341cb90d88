package io.eventual.saga;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** What sagas do, as Prometheus sees it: started, completed, cancelled by reason, step timeouts, end-to-end time. */
@ApplicationScoped
public class SagaMetrics {

    private final MeterRegistry registry;
    private final Pool pool;
    /** Every status a saga can wait in, reported even at zero. */
    private final Set<String> waitingStatuses = new ConcurrentSkipListSet<>(Set.of(SagaEngine.COMPENSATING));

    SagaMetrics(MeterRegistry registry, Pool pool) {
        this.registry = registry;
        this.pool = pool;
    }

    /**
     * Sagas not yet ended, by status (the step they wait for, or COMPENSATING). The condition is the predicate of the
     * index of those sagas alone (V16), which keeps this read small however many ended sagas are kept.
     */
    public Uni<Map<String, Long>> inFlight() {
        return pool.query("select status, count(*) as sagas from saga where status not in ('" + SagaEngine.COMPLETED + "', '"
                + SagaEngine.CANCELLED + "') group by status").execute().map(rows -> {
                    Map<String, Long> byStatus = new TreeMap<>();
                    waitingStatuses.forEach(status -> byStatus.put(status, 0L));
                    rows.forEach(row -> byStatus.put(row.getString("status"), row.getLong("sagas")));
                    return byStatus;
                });
    }

    /** Registers every series of {@code definition} at zero, so that rates and dashboards work from the start. */
    void declare(SagaDefinition<?> definition) {
        String saga = definition.name();
        counter("eventual.sagas.started", "Sagas started", saga);
        counter("eventual.sagas.completed", "Sagas that completed", saga);
        timer(saga, "completed");
        timer(saga, "cancelled");
        for (SagaDefinition.Step<?> step : definition.steps()) {
            waitingStatuses.add(step.pendingStatus());
            cancelledCounter(saga, step.name() + " failed");
            cancelledCounter(saga, step.name() + " timed out");
            timeoutCounter(saga, step.name());
        }
        timeoutCounter(saga, "compensation");
    }

    void started(String saga) {
        counter("eventual.sagas.started", "Sagas started", saga).increment();
    }

    void completed(String saga, Duration took) {
        counter("eventual.sagas.completed", "Sagas that completed", saga).increment();
        timer(saga, "completed").record(took);
    }

    /** {@code reason} is bounded: the step and how it failed ("payment failed", "inventory timed out"). */
    void cancelled(String saga, String reason, Duration took) {
        cancelledCounter(saga, reason).increment();
        timer(saga, "cancelled").record(took);
    }

    void timedOut(String saga, String step) {
        timeoutCounter(saga, step).increment();
    }

    private Counter counter(String name, String description, String saga) {
        return Counter.builder(name).description(description).tag("saga", saga).register(registry);
    }

    private Counter cancelledCounter(String saga, String reason) {
        return Counter.builder("eventual.sagas.cancelled").description("Sagas cancelled, by the step that failed and how")
                .tag("saga", saga).tag("reason", reason).register(registry);
    }

    private Counter timeoutCounter(String saga, String step) {
        return Counter.builder("eventual.saga.timeouts").description("Step (or compensation) deadlines that passed")
                .tag("saga", saga).tag("step", step).register(registry);
    }

    private Timer timer(String saga, String outcome) {
        return Timer.builder("eventual.saga.duration").description("From the starting event to the saga's end")
                .tag("saga", saga).tag("outcome", outcome).publishPercentileHistogram().register(registry);
    }
}
