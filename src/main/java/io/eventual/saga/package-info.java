/**
 * The order saga: its flow in one screen ({@link io.eventual.saga.OrderSaga}), the engine that runs any such
 * definition on a saga row (state, version check, compensation, deadlines) and knows nothing about orders, and the
 * timer that fires expired deadlines.
 */
package io.eventual.saga;
