/**
 * The data of the shipping command and replies (shipping.schedule, shipping.scheduled, shipping.failed).
 */
package io.eventual.event.shipping;
