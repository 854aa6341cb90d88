package io.eventual.saga;

import static io.eventual.event.EventType.INVENTORY_RELEASE;
import static io.eventual.event.EventType.INVENTORY_RESERVE;
import static io.eventual.event.EventType.ORDER_CANCELLED;
import static io.eventual.event.EventType.ORDER_COMPLETED;
import static io.eventual.event.EventType.PAYMENT_PROCESS;
import static io.eventual.event.EventType.PAYMENT_REFUND;
import static io.eventual.event.EventType.PAYMENT_SCREEN;
import static io.eventual.event.EventType.SHIPPING_SCHEDULE;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventual.event.Address;
import io.eventual.event.ItemQuantity;
import io.eventual.event.Money;
import io.eventual.event.inventory.InventoryFailed;
import io.eventual.event.inventory.InventoryReleased;
import io.eventual.event.inventory.InventoryReserved;
import io.eventual.event.order.LineItem;
import io.eventual.event.order.OrderPlaced;
import io.eventual.event.payment.PaymentFailed;
import io.eventual.event.payment.PaymentFlagged;
import io.eventual.event.payment.PaymentProcessed;
import io.eventual.event.payment.PaymentRefunded;
import io.eventual.event.payment.PaymentScreened;
import io.eventual.event.shipping.ShipmentScheduled;
import io.eventual.event.shipping.ShippingFailed;

/** The order saga's decisions, given/when/then, without broker or database (the wiring: OrderFlowTest and others). */
class OrderSagaSpec {

    static final String ORDER = "order-1";
    static final OrderPlaced PLACED = new OrderPlaced(ORDER, "c-1",
            List.of(new LineItem("SKU-1", "a thing", 2, new BigDecimal("5.00"))), "EUR", new Address("DE", null, null, null),
            new BigDecimal("10.00"));
    static final PaymentProcessed CHARGED = new PaymentProcessed(ORDER, "p-1", Money.of(new BigDecimal("10.00"), "EUR"));
    static final InventoryReserved RESERVED = new InventoryReserved(ORDER, List.of(new ItemQuantity("SKU-1", 2)));
    static final ShipmentScheduled SHIPPED = new ShipmentScheduled(ORDER, "s-1", LocalDate.of(2026, 12, 9));
    static final PaymentRefunded REFUNDED = new PaymentRefunded(ORDER, Money.of(new BigDecimal("10.00"), "EUR"));
    static final InventoryReleased RELEASED = new InventoryReleased(ORDER, List.of(new ItemQuantity("SKU-1", 2)));

    static final PaymentScreened SCREENED = new PaymentScreened(ORDER);

    /** The steps after the screen are the same in both versions: version 1 shows them from the start. */
    SagaSpec<OrderPlaced> saga = SagaSpec.of(OrderSaga.FLOW_V1);
    SagaSpec<OrderPlaced> v2 = SagaSpec.of(OrderSaga.FLOW);

    @Test
    void version2ScreensTheOrderBeforeItCharges() {
        v2.given(PLACED).thenSends(PAYMENT_SCREEN).thenStatus("PENDING_SCREENING")
                .when(SCREENED).thenSends(PAYMENT_PROCESS).thenStatus("PENDING_PAYMENT")
                .when(CHARGED).thenSends(INVENTORY_RESERVE).thenStatus("PENDING_INVENTORY");
    }

    @Test
    void version2CancelsAFlaggedOrderWithNothingToUndo() {
        v2.given(PLACED).when(new PaymentFlagged(ORDER, "over the screening limit")).thenSends(ORDER_CANCELLED)
                .thenStatus(SagaEngine.CANCELLED);
    }

    @Test
    void version1ChargesAtOnce() {
        saga.given(PLACED).thenSends(PAYMENT_PROCESS).when(SCREENED).thenSends().thenStatus("PENDING_PAYMENT");
    }

    @Test
    void anOrderPlacedAsksForPayment() {
        saga.given(PLACED).thenSends(PAYMENT_PROCESS).thenStatus("PENDING_PAYMENT");
    }

    @Test
    void eachSuccessMovesToTheNextStepUntilTheOrderCompletes() {
        saga.given(PLACED).when(CHARGED).thenSends(INVENTORY_RESERVE).thenStatus("PENDING_INVENTORY")
                .when(RESERVED).thenSends(SHIPPING_SCHEDULE).thenStatus("PENDING_SHIPPING")
                .when(SHIPPED).thenSends(ORDER_COMPLETED).thenStatus(SagaEngine.COMPLETED);
    }

    @Test
    void aDeclinedPaymentCancelsWithNothingToUndo() {
        saga.given(PLACED).when(new PaymentFailed(ORDER, "insufficient credit")).thenSends(ORDER_CANCELLED)
                .thenStatus(SagaEngine.CANCELLED);
    }

    @Test
    void aFailedStepUndoesEveryEarlierStepAtOnceAndCancelsOnceBothAreConfirmed() {
        saga.given(PLACED, CHARGED, RESERVED).when(new ShippingFailed(ORDER, "country not served"))
                .thenSends(INVENTORY_RELEASE, PAYMENT_REFUND).thenStatus(SagaEngine.COMPENSATING)
                .when(REFUNDED).thenSends().thenStatus(SagaEngine.COMPENSATING)
                .when(RELEASED).thenSends(ORDER_CANCELLED).thenStatus(SagaEngine.CANCELLED);
    }

    @Test
    void aStepWithoutAReplyIsCompensatedWhenItsDeadlinePasses() {
        saga.given(PLACED, CHARGED).whenTheDeadlinePasses().thenSends(PAYMENT_REFUND).thenStatus(SagaEngine.COMPENSATING);
    }

    @Test
    void aSuccessArrivingAfterTheStepsTimeoutIsCompensatedToo() {
        saga.given(PLACED, CHARGED).whenTheDeadlinePasses().thenSends(PAYMENT_REFUND)
                .when(RESERVED).thenSends(INVENTORY_RELEASE).thenStatus(SagaEngine.COMPENSATING)
                .when(REFUNDED).thenSends()
                .when(RELEASED).thenSends(ORDER_CANCELLED).thenStatus(SagaEngine.CANCELLED);
    }

    @Test
    void unconfirmedCompensationsAreSentAgainWhenTheirDeadlinePasses() {
        saga.given(PLACED, CHARGED).when(new InventoryFailed(ORDER, "SKU-1", "short")).thenSends(PAYMENT_REFUND)
                .whenTheDeadlinePasses().thenSends(PAYMENT_REFUND).thenStatus(SagaEngine.COMPENSATING);
    }

    @Test
    void aReplyThatDoesNotFitIsIgnored() {
        saga.given(PLACED, CHARGED).when(CHARGED).thenSends().thenStatus("PENDING_INVENTORY")
                .when(SHIPPED).thenSends().thenStatus("PENDING_INVENTORY");
    }
}
