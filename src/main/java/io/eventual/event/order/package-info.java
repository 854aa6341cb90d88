/**
 * The data of the order's own events (order.placed, order.completed, order.cancelled): the contract other services
 * publish and subscribe to, each a validated record with its upcasts.
 */
package io.eventual.event.order;
