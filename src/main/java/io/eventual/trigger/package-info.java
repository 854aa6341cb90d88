/**
 * The public HTTP API: place an order, publish a catalogued event (CloudEvents HTTP binding), read orders and the
 * contract; who may call what ({@link io.eventual.trigger.Callers}, cross-site refusal) and RFC 9457 problems for every
 * refusal. Its rooms: {@code admin} (the operator's API) and {@code console} (the operator's page).
 */
package io.eventual.trigger;
