/**
 * The shipping function: books a shipment to a served country or refuses it with a reason
 * ({@code Shipment.book}, a plain method on the shipment).
 */
package io.eventual.shipping;
