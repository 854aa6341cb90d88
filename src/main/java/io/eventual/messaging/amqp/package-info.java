/**
 * The broker, as eventual speaks to it: one AMQP 1.0 connection per broker pair, failing over between the pair's
 * brokers and partitioning orders over pairs; the CloudEvents AMQP binding; settling a delivery only once it has been
 * handled or parked; one order's deliveries in sequence; the broker's security and address settings generated from
 * the catalogue; and its management (queue depth, pause, its own dead letters) for the console.
 */
package io.eventual.messaging.amqp;
