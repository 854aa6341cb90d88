package io.eventual.event;

/**
 * The {@code data} of a catalogued event. Every event belongs to one stream, its CloudEvents {@code subject}: an order
 * ({@link OrderEvent}), a SKU's stock ({@code sku:<sku>}) or a customer's credit ({@code customer:<id>}).
 */
public interface EventData {
    String subject();
}
