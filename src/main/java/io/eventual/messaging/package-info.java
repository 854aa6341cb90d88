/**
 * The function runtime every function runs on, so that functions stay business code: which functions a process runs
 * ({@link io.eventual.messaging.FunctionRunner}), the inbox (dedupe by source and id, retries with backoff, dead
 * letters for what cannot be applied or stored), transactions with after-commit actions, tracing, and the loops and
 * outage logging of background work; with its rooms {@code amqp} (the broker), {@code outbox} (publishing) and
 * {@code pipelining} (the database's round trips). One guarantee per class: a reader looking for how ordering, dedupe
 * or publishing works finds it by its name.
 */
package io.eventual.messaging;
