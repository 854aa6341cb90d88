package io.eventual.event.inventory;

/** A SKU's stock as an event stream. */
final class Stock {

    private Stock() {
    }

    /** The stream (CloudEvents subject) of a SKU's stock events: {@code sku:<sku>}, apart from every order's. */
    static String stream(String sku) {
        return "sku:" + sku;
    }
}
