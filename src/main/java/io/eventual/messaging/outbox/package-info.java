/**
 * Nothing accepted is lost: the transactional outbox (events written in the transaction of the state change that
 * emits them, with the dedupe record) and its relay, which publishes each process's rows right after commit, takes
 * over the rows of dead processes by lease, and parks a row the broker refuses for good.
 */
package io.eventual.messaging.outbox;
