package io.eventual.event;

import io.eventual.inventory.InventoryFailed;
import io.eventual.inventory.AdjustStock;
import io.eventual.inventory.InventoryReleased;
import io.eventual.inventory.Restock;
import io.eventual.inventory.InventoryReserved;
import io.eventual.inventory.ReleaseInventory;
import io.eventual.inventory.ReserveInventory;
import io.eventual.payment.PaymentFailed;
import io.eventual.payment.PaymentProcessed;
import io.eventual.payment.PaymentRefunded;
import io.eventual.payment.ProcessPayment;
import io.eventual.payment.RefundPayment;
import io.eventual.payment.SetCreditLimit;
import io.eventual.projection.OrderSummary;
import io.eventual.saga.HistoryEntry;
import io.eventual.saga.LineItem;
import io.eventual.saga.OrderCancelled;
import io.eventual.saga.OrderCompleted;
import io.eventual.saga.OrderPlaced;
import io.eventual.shipping.ScheduleShipment;
import io.eventual.shipping.ShipmentScheduled;
import io.eventual.shipping.ShippingFailed;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types Jackson reads and writes outside REST resource signatures (event data, saga history, snapshots), which a
 * native image must keep reflectively accessible. A test checks that every catalogued data type is listed.
 */
@RegisterForReflection(targets = {
        OrderPlaced.class, LineItem.class, OrderCompleted.class, OrderCancelled.class,
        ProcessPayment.class, PaymentProcessed.class, PaymentFailed.class, RefundPayment.class, PaymentRefunded.class,
        ReserveInventory.class, InventoryReserved.class, InventoryFailed.class, ReleaseInventory.class,
        InventoryReleased.class, ScheduleShipment.class, ShipmentScheduled.class, ShippingFailed.class,
        Restock.class, AdjustStock.class, SetCreditLimit.class,
        Money.class, Address.class, ItemQuantity.class, HistoryEntry.class, OrderSummary.class })
public final class SerializedTypes {

    private SerializedTypes() {
    }
}
