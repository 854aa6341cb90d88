package io.eventual.saga;

import static io.eventual.event.EventType.INVENTORY_FAILED;
import static io.eventual.event.EventType.INVENTORY_RELEASE;
import static io.eventual.event.EventType.INVENTORY_RELEASED;
import static io.eventual.event.EventType.INVENTORY_RESERVE;
import static io.eventual.event.EventType.INVENTORY_RESERVED;
import static io.eventual.event.EventType.ORDER_CANCELLED;
import static io.eventual.event.EventType.ORDER_COMPLETED;
import static io.eventual.event.EventType.ORDER_PLACED;
import static io.eventual.event.EventType.PAYMENT_FAILED;
import static io.eventual.event.EventType.PAYMENT_FLAGGED;
import static io.eventual.event.EventType.PAYMENT_PROCESS;
import static io.eventual.event.EventType.PAYMENT_PROCESSED;
import static io.eventual.event.EventType.PAYMENT_REFUND;
import static io.eventual.event.EventType.PAYMENT_REFUNDED;
import static io.eventual.event.EventType.PAYMENT_SCREEN;
import static io.eventual.event.EventType.PAYMENT_SCREENED;
import static io.eventual.event.EventType.SHIPPING_FAILED;
import static io.eventual.event.EventType.SHIPPING_SCHEDULE;
import static io.eventual.event.EventType.SHIPPING_SCHEDULED;
import static java.time.Duration.ofSeconds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.event.Event;
import io.eventual.event.EventType;
import io.eventual.event.inventory.ReleaseInventory;
import io.eventual.event.inventory.ReserveInventory;
import io.eventual.event.order.OrderCancelled;
import io.eventual.event.order.OrderCompleted;
import io.eventual.event.order.OrderPlaced;
import io.eventual.event.payment.ProcessPayment;
import io.eventual.event.payment.RefundPayment;
import io.eventual.event.payment.ScreenPayment;
import io.eventual.event.shipping.ScheduleShipment;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Later;
import io.eventual.messaging.RejectedEventException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The order saga: screen, charge, reserve, ship; undo what was done when a step fails. */
@ApplicationScoped
public class OrderSaga implements EventFunction {

    static final String SOURCE = "/eventual/saga";

    // @formatter:off: the flow reads as a table
    // tag::flow[] (README.md shows this region; DocsTest keeps the two equal)
    static final SagaDefinition<OrderPlaced> FLOW = SagaDefinition.flow("order", 2)
            .startsOn(ORDER_PLACED, OrderPlaced.class)
            .step("screening").send(PAYMENT_SCREEN, OrderSaga::screen)
                    .onSuccess(PAYMENT_SCREENED).onFailure(PAYMENT_FLAGGED).timeout(ofSeconds(30))
            .step("payment").send(PAYMENT_PROCESS, OrderSaga::charge)
                    .onSuccess(PAYMENT_PROCESSED).onFailure(PAYMENT_FAILED)
                    .compensateWith(PAYMENT_REFUND, OrderSaga::refund, PAYMENT_REFUNDED).timeout(ofSeconds(30))
            .step("inventory").send(INVENTORY_RESERVE, OrderSaga::reserve)
                    .onSuccess(INVENTORY_RESERVED).onFailure(INVENTORY_FAILED)
                    .compensateWith(INVENTORY_RELEASE, OrderSaga::release, INVENTORY_RELEASED).timeout(ofSeconds(30))
            .step("shipping").send(SHIPPING_SCHEDULE, OrderSaga::ship)
                    .onSuccess(SHIPPING_SCHEDULED).onFailure(SHIPPING_FAILED).timeout(ofSeconds(60))
            .endsWith(ORDER_COMPLETED, OrderSaga::complete, ORDER_CANCELLED, OrderSaga::cancel);
    // end::flow[]
    // @formatter:on

    /** Version 1, before the fraud screen: orders started on it end on it. */
    static final SagaDefinition<OrderPlaced> FLOW_V1 = FLOW.versionWithout(1, "screening");

    /** Every version an order may be in flight on (docs/flows.md: adding and retiring one). */
    static final FlowVersions<OrderPlaced> FLOWS = new FlowVersions<>(FLOW_V1, FLOW);

    static ScreenPayment screen(OrderPlaced order) {
        return new ScreenPayment(order.orderId(), order.customerId(), order.totalMoney());
    }

    static ProcessPayment charge(OrderPlaced order) {
        return new ProcessPayment(order.orderId(), order.customerId(), order.totalMoney());
    }

    static RefundPayment refund(OrderPlaced order) {
        return new RefundPayment(order.orderId(), "order cancelled");
    }

    static ReserveInventory reserve(OrderPlaced order) {
        return new ReserveInventory(order.orderId(), order.quantities());
    }

    static ReleaseInventory release(OrderPlaced order) {
        return new ReleaseInventory(order.orderId(), "order cancelled");
    }

    static ScheduleShipment ship(OrderPlaced order) {
        return new ScheduleShipment(order.orderId(), order.shippingAddress(), order.quantities());
    }

    static OrderCompleted complete(OrderPlaced order) {
        return new OrderCompleted(order.orderId(), order.customerId(), order.totalMoney());
    }

    static OrderCancelled cancel(OrderPlaced order, String reason) {
        return new OrderCancelled(order.orderId(), reason);
    }

    private final Map<Integer, SagaEngine<OrderPlaced>> engines = new TreeMap<>();
    private final SagaEngine<OrderPlaced> starting;
    private final Pool pool;

    OrderSaga(ObjectMapper mapper, SagaConfig config, SagaMetrics metrics, Pool pool) {
        int runs = config.flowVersion().orElse(FLOWS.newest().version());
        if (FLOWS.of(runs).isEmpty()) {
            throw new IllegalStateException("eventual.saga.flow-version=" + runs + " is not a version of the "
                    + FLOWS.name() + " flow this build has: " + FLOWS.all().stream().map(SagaDefinition::version).toList());
        }
        for (SagaDefinition<OrderPlaced> version : FLOWS.all()) {
            if (version.version() <= runs) {
                engines.put(version.version(), new SagaEngine<>(version, mapper, SOURCE, config, metrics));
                metrics.declare(version);
            }
        }
        this.starting = engines.get(runs);
        this.pool = pool;
    }

    /**
     * Refuses to start the saga function next to orders in flight on a version this build no longer has: they could
     * never end. Deploy a build that has it until they have.
     */
    void check(@Observes StartupEvent ignored, EventualConfig config) {
        if (!config.functions().contains(name())) {
            return;
        }
        pool.preparedQuery("select flow_version, count(*) from saga where status not in ('" + SagaEngine.COMPLETED
                + "', '" + SagaEngine.CANCELLED + "') and flow_version < $1 group by flow_version")
                .execute(Tuple.of(FLOWS.oldest())).await().atMost(Duration.ofSeconds(30)).forEach(row -> {
                    throw new IllegalStateException(row.getLong(1) + " orders are in flight on version "
                            + row.getInteger(0) + " of the " + FLOWS.name() + " flow, which this build no longer has "
                            + "(oldest: " + FLOWS.oldest() + "): deploy a build that has it until they have ended");
                });
    }

    @Override
    public String name() {
        return "saga";
    }

    /** The newest flow version this process runs: sagas on newer ones wait for a process that runs them. */
    int newestVersion() {
        return starting.version();
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        Map<EventType, EventHandler> handlers = new LinkedHashMap<>();
        FLOWS.consumes().forEach(type -> handlers.put(type, type == FLOW.start() ? this::start : this::advance));
        return handlers;
    }

    Uni<List<Event>> start(Event placed) {
        return SagaInstance.<SagaInstance> findById(placed.subject()).chain(existing -> {
            if (existing != null) {
                throw new RejectedEventException("order " + placed.subject() + " already exists");
            }
            List<Event> emitted = new ArrayList<>();
            return starting.start(placed, emitted).persist().replaceWith(emitted);
        });
    }

    Uni<List<Event>> advance(Event reply) {
        return SagaInstance.<SagaInstance> findById(reply.subject()).map(saga -> {
            if (saga == null) {
                throw new RejectedEventException("no order " + reply.subject());
            }
            return engineOf(saga).apply(saga, reply);
        });
    }

    /** Gives up on a step that got no reply in time, or re-sends unconfirmed compensations. */
    Uni<List<Event>> expire(String orderId) {
        return SagaInstance.<SagaInstance> findById(orderId)
                .map(saga -> saga == null ? List.<Event> of() : engineOf(saga).expire(saga));
    }

    private SagaEngine<OrderPlaced> engineOf(SagaInstance saga) {
        SagaEngine<OrderPlaced> engine = engines.get(saga.flowVersion);
        if (engine == null) {
            throw new Later("order " + saga.id + " is on version " + saga.flowVersion + " of the " + FLOWS.name()
                    + " flow, which this process does not run (newest: " + newestVersion() + ")");
        }
        return engine;
    }

    /** What a reader of the order sees: its status, lines, flow version and everything that happened to it. */
    public record OrderStatus(String orderId, String status, String reason, int flowVersion, OrderPlaced order,
            List<HistoryEntry> history) {
    }

    public Uni<Optional<OrderStatus>> status(String orderId) {
        return SagaInstance.<SagaInstance> findById(orderId).map(found -> Optional.ofNullable(found).map(s -> {
            // Any version's engine reads the data and history alike.
            SagaEngine<OrderPlaced> reader = engines.getOrDefault(s.flowVersion, starting);
            return new OrderStatus(s.id, s.status, s.reason, s.flowVersion, reader.data(s), reader.history(s));
        }));
    }

    /** How many orders each flow version has, by how they stand. */
    public record VersionCount(String flow, int version, String shape, long inFlight, long completed, long cancelled) {
    }

    public Uni<List<VersionCount>> versions() {
        return pool.query("select flow_version, count(*) filter (where status not in ('" + SagaEngine.COMPLETED + "', '"
                + SagaEngine.CANCELLED + "')) as in_flight, count(*) filter (where status = '" + SagaEngine.COMPLETED
                + "') as completed, count(*) filter (where status = '" + SagaEngine.CANCELLED + "') as cancelled "
                + "from saga group by flow_version").execute().map(rows -> {
                    Map<Integer, VersionCount> counts = new TreeMap<>();
                    FLOWS.all().forEach(v -> counts.put(v.version(), new VersionCount(FLOWS.name(), v.version(), v.shape(), 0, 0, 0)));
                    rows.forEach(row -> counts.put(row.getInteger(0), new VersionCount(FLOWS.name(), row.getInteger(0),
                            FLOWS.of(row.getInteger(0)).map(SagaDefinition::shape).orElse("not in this build"),
                            row.getLong(1), row.getLong(2), row.getLong(3))));
                    return List.copyOf(counts.values());
                });
    }
}
