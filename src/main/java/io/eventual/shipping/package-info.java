/**
 * The shipping function: books a shipment to a served country or refuses it with a reason.
 */
package io.eventual.shipping;
