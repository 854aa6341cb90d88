/**
 * The event store: every event recorded by the wildcard subscription, per-stream versions, a global order without a
 * global lock, snapshots, month partitions and their archive.
 */
package io.eventual.store;
