package io.eventual.event;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.eventual.event.inventory.AdjustStock;
import io.eventual.event.inventory.InventoryFailed;
import io.eventual.event.inventory.InventoryReleased;
import io.eventual.event.inventory.InventoryReserved;
import io.eventual.event.inventory.ReleaseInventory;
import io.eventual.event.inventory.ReserveInventory;
import io.eventual.event.inventory.Restock;
import io.eventual.event.order.OrderCancelled;
import io.eventual.event.order.OrderCompleted;
import io.eventual.event.order.OrderPlaced;
import io.eventual.event.payment.PaymentFailed;
import io.eventual.event.payment.PaymentFlagged;
import io.eventual.event.payment.PaymentProcessed;
import io.eventual.event.payment.PaymentRefunded;
import io.eventual.event.payment.PaymentScreened;
import io.eventual.event.payment.ProcessPayment;
import io.eventual.event.payment.RefundPayment;
import io.eventual.event.payment.ScreenPayment;
import io.eventual.event.payment.SetCreditLimit;
import io.eventual.event.shipping.ScheduleShipment;
import io.eventual.event.shipping.ShipmentScheduled;
import io.eventual.event.shipping.ShippingFailed;

/**
 * The event catalogue: every type eventual knows, the record that validates its {@code data}, its current schema
 * version, the function that emits it and the functions that consume it; the broker configuration, the AsyncAPI
 * document and the JSON Schemas are derived from it. The type is also the AMQP address the event is published to (multicast);
 * each consumer reads it from a durable queue of its own. Facts are past tense, requests imperative.
 */
public enum EventType {
    ORDER_PLACED("order.placed", OrderPlaced.class, "a customer placed an order", Emitters.TRIGGER, true, "saga"),
    ORDER_COMPLETED("order.completed", OrderCompleted.class, "the order is paid, reserved and shipped", "saga"),
    ORDER_CANCELLED("order.cancelled", OrderCancelled.class, "the order was cancelled; every step done was undone", "saga"),

    PAYMENT_SCREEN("payment.screen", ScreenPayment.class, "check the order for fraud before charging", "saga", "payment"),
    PAYMENT_SCREENED("payment.screened", PaymentScreened.class, "nothing suspicious: the order may be charged", "payment", "saga"),
    PAYMENT_FLAGGED("payment.flagged", PaymentFlagged.class, "the order looks fraudulent: not charged", "payment", "saga"),
    PAYMENT_PROCESS("payment.process", ProcessPayment.class, "charge the customer for the order", "saga", "payment"),
    PAYMENT_PROCESSED("payment.processed", PaymentProcessed.class, "the customer was charged", "payment", "saga"),
    PAYMENT_FAILED("payment.failed", PaymentFailed.class, "the customer was not charged", "payment", "saga"),
    PAYMENT_REFUND("payment.refund", RefundPayment.class, "refund what was charged for the order", "saga", "payment"),
    PAYMENT_REFUNDED("payment.refunded", PaymentRefunded.class, "the charge was refunded", "payment", "saga"),

    INVENTORY_RESERVE("inventory.reserve", ReserveInventory.class, "reserve the order's items", "saga", "inventory"),
    INVENTORY_RESERVED("inventory.reserved", InventoryReserved.class, "the items are reserved", "inventory", "saga"),
    INVENTORY_FAILED("inventory.failed", InventoryFailed.class, "nothing was reserved: a SKU is short", "inventory", "saga"),
    INVENTORY_RELEASE("inventory.release", ReleaseInventory.class, "put the order's reservation back", "saga", "inventory"),
    INVENTORY_RELEASED("inventory.released", InventoryReleased.class, "the reservation is back in stock", "inventory", "saga"),

    SHIPPING_SCHEDULE("shipping.schedule", ScheduleShipment.class, "schedule the order's shipment", "saga", "shipping"),
    SHIPPING_SCHEDULED("shipping.scheduled", ShipmentScheduled.class, "the shipment is scheduled", "shipping", "saga"),
    SHIPPING_FAILED("shipping.failed", ShippingFailed.class, "the shipment cannot be scheduled", "shipping", "saga"),

    INVENTORY_RESTOCK("inventory.restock", Restock.class, "more of a SKU arrived", Emitters.TRIGGER, true, "inventory"),
    INVENTORY_ADJUST("inventory.adjust", AdjustStock.class, "correct a SKU's stock", Emitters.TRIGGER, true, "inventory"),
    PAYMENT_SET_CREDIT_LIMIT("payment.set-credit-limit", SetCreditLimit.class, "set a customer's credit limit",
            Emitters.TRIGGER, false, "payment");

    private static final Map<String, EventType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::typeName, Function.identity()));

    private static final Map<Class<? extends EventData>, EventType> BY_DATA = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::dataClass, Function.identity()));

    private final String typeName;
    private final Class<? extends EventData> dataClass;

    private final String summary;
    private final String emitter;
    private final boolean inbound;
    private final List<String> consumers;

    EventType(String typeName, Class<? extends EventData> dataClass, String summary, String emitter, String... consumers) {
        this(typeName, dataClass, summary, emitter, false, consumers);
    }

    EventType(String typeName, Class<? extends EventData> dataClass, String summary, String emitter, boolean inbound,
            String... consumers) {
        this.typeName = typeName;
        this.dataClass = dataClass;
        this.summary = summary;
        this.emitter = emitter;
        this.inbound = inbound;
        this.consumers = List.of(consumers);
    }

    /** What an event of this type says, in a few words. */
    public String summary() {
        return summary;
    }

    /** The function that publishes this type. */
    public String emitter() {
        return emitter;
    }

    /**
     * Whether services outside eventual may publish this type too (a shop placing orders, a warehouse restocking); the
     * others are eventual's own, or the admin API's (credit limits).
     */
    public boolean inbound() {
        return inbound;
    }

    /** Whether this type belongs to an order's flow (its subject is an order id), as opposed to stock or credit. */
    public boolean aboutOrders() {
        return OrderEvent.class.isAssignableFrom(dataClass);
    }

    /** Emitters with a role beyond their name. */
    public static final class Emitters {
        /** Publishes, on behalf of clients over HTTP, the types other services may also publish over AMQP. */
        public static final String TRIGGER = "trigger";

        private Emitters() {
        }
    }

    /** The functions that subscribe to this type, each through a durable queue of its own. */
    public List<String> consumers() {
        return consumers;
    }

    /** The broker queue through which {@code function} receives this type: {@code <function>.<type>}. */
    public String queue(String function) {
        return function + "." + typeName;
    }

    /** The fully qualified queue name ({@code <address>::<queue>}) a consumer attaches to. */
    public String fqqn(String function) {
        return typeName + "::" + queue(function);
    }

    /** The CloudEvents {@code type}, which is also the AMQP address. */
    public String typeName() {
        return typeName;
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    /** The schema version this build writes; older versions are upcast on read (see {@link Upcasters}). */
    public int schemaVersion() {
        return Upcasters.currentVersion(this);
    }

    public static EventType ofData(EventData data) {
        return BY_DATA.get(data.getClass());
    }

    public static Optional<EventType> of(String typeName) {
        return Optional.ofNullable(typeName).map(BY_NAME::get);
    }

    @Override
    public String toString() {
        return typeName;
    }
}
