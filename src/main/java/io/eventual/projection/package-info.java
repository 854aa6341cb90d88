/**
 * The read model: the order view folded from the event store (rebuildable), and an order's timeline.
 */
package io.eventual.projection;
