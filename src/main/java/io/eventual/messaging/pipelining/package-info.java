/**
 * Fewer round trips to the database: the pool Hibernate Reactive's transactions run on, which sends BEGIN, one-row
 * writes, the outbox statement and COMMIT without waiting for the answers nobody needs (docs/decisions/0003), and the
 * quiet logging of the duplicates that fail such a commit on purpose.
 */
package io.eventual.messaging.pipelining;
