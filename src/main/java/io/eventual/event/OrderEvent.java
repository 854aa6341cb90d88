package io.eventual.event;

/** The data of an event of an order's flow: its subject is the order id. */
public interface OrderEvent extends EventData {
    String orderId();

    @Override
    default String subject() {
        return orderId();
    }
}
