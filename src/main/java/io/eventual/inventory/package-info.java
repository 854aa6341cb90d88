/**
 * The inventory function: reserves every line of an order or none ({@code Reservation.decide}) and puts stock back;
 * restocks and adjustments from outside services.
 */
package io.eventual.inventory;
