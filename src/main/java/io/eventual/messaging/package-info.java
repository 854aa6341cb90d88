/**
 * The function runtime every function runs on, so that functions stay business code: the AMQP connections to the
 * broker pairs ({@link io.eventual.messaging.Broker}: settle only after handling, fail over, partition by order), the
 * inbox (dedupe by source and id, retries with backoff, dead letters for what cannot be applied or stored), the
 * outbox and its relay (events committed with the state change, published after commit, taken over from dead
 * processes), the pipelined pool under Hibernate Reactive, and the loops and outage logging of background work. One
 * guarantee per class: a reader looking for how ordering, dedupe or publishing works finds it by its name.
 */
package io.eventual.messaging;
