package io.eventual.event;

import io.eventual.event.inventory.AdjustStock;
import io.eventual.event.inventory.InventoryFailed;
import io.eventual.event.inventory.InventoryReleased;
import io.eventual.event.inventory.InventoryReserved;
import io.eventual.event.inventory.ReleaseInventory;
import io.eventual.event.inventory.ReserveInventory;
import io.eventual.event.inventory.Restock;
import io.eventual.event.order.LineItem;
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
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Event data types, which Jackson reads and writes outside REST resource signatures and a native image must therefore
 * keep reflectively accessible (the rooms above register their own: saga history, the order view). A test checks that
 * every catalogued data type is listed.
 */
@RegisterForReflection(targets = {
        OrderPlaced.class, LineItem.class, OrderCompleted.class, OrderCancelled.class,
        ScreenPayment.class, PaymentScreened.class, PaymentFlagged.class, ProcessPayment.class, PaymentProcessed.class, PaymentFailed.class,
        RefundPayment.class, PaymentRefunded.class,
        ReserveInventory.class, InventoryReserved.class, InventoryFailed.class, ReleaseInventory.class,
        InventoryReleased.class, ScheduleShipment.class, ShipmentScheduled.class, ShippingFailed.class,
        Restock.class, AdjustStock.class, SetCreditLimit.class,
        Money.class, Address.class, ItemQuantity.class })
public final class SerializedTypes {

    private SerializedTypes() {
    }
}
