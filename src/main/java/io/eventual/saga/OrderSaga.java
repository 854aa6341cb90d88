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
import static io.eventual.event.EventType.PAYMENT_PROCESS;
import static io.eventual.event.EventType.PAYMENT_PROCESSED;
import static io.eventual.event.EventType.PAYMENT_REFUND;
import static io.eventual.event.EventType.PAYMENT_REFUNDED;
import static io.eventual.event.EventType.SHIPPING_FAILED;
import static io.eventual.event.EventType.SHIPPING_SCHEDULE;
import static io.eventual.event.EventType.SHIPPING_SCHEDULED;
import static java.time.Duration.ofSeconds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

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
import io.eventual.event.shipping.ScheduleShipment;
import io.eventual.messaging.EventFunction;
import io.eventual.messaging.EventHandler;
import io.eventual.messaging.RejectedEventException;
import io.smallrye.mutiny.Uni;

/** The order saga: charge, reserve, ship; undo what was done when a step fails. */
@ApplicationScoped
public class OrderSaga implements EventFunction {

    static final String SOURCE = "/eventual/saga";

    // @formatter:off: the flow reads as a table
    // tag::flow[] (README.md shows this region; DocsTest keeps the two equal)
    static final SagaDefinition<OrderPlaced> FLOW = SagaDefinition.flow("order")
            .startsOn(ORDER_PLACED, OrderPlaced.class)
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

    private final SagaEngine<OrderPlaced> engine;

    OrderSaga(ObjectMapper mapper, SagaConfig config, SagaMetrics metrics) {
        this.engine = new SagaEngine<>(FLOW, mapper, SOURCE, config, metrics);
        metrics.declare(FLOW);
    }

    @Override
    public String name() {
        return "saga";
    }

    @Override
    public Map<EventType, EventHandler> handlers() {
        Map<EventType, EventHandler> handlers = new LinkedHashMap<>();
        FLOW.consumes().forEach(type -> handlers.put(type, type == FLOW.start() ? this::start : this::advance));
        return handlers;
    }

    Uni<List<Event>> start(Event placed) {
        return SagaInstance.<SagaInstance> findById(placed.subject()).chain(existing -> {
            if (existing != null) {
                throw new RejectedEventException("order " + placed.subject() + " already exists");
            }
            List<Event> emitted = new ArrayList<>();
            return engine.start(placed, emitted).persist().replaceWith(emitted);
        });
    }

    Uni<List<Event>> advance(Event reply) {
        return SagaInstance.<SagaInstance> findById(reply.subject()).map(saga -> {
            if (saga == null) {
                throw new RejectedEventException("no order " + reply.subject());
            }
            return engine.apply(saga, reply);
        });
    }

    /** Gives up on a step that got no reply in time, or re-sends unconfirmed compensations. */
    Uni<List<Event>> expire(String orderId) {
        return SagaInstance.<SagaInstance> findById(orderId).map(saga -> saga == null ? List.<Event> of() : engine.expire(saga));
    }

    /** What a reader of the order sees: its status, lines and everything that happened to it. */
    public record OrderStatus(String orderId, String status, String reason, OrderPlaced order, List<HistoryEntry> history) {
    }

    public Uni<Optional<OrderStatus>> status(String orderId) {
        return SagaInstance.<SagaInstance> findById(orderId).map(saga -> Optional.ofNullable(saga)
                .map(s -> new OrderStatus(s.id, s.status, s.reason, engine.data(s), engine.history(s))));
    }
}
