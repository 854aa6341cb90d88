/**
 * The ground floor: the CloudEvents envelope ({@link io.eventual.event.Event}), the catalogue of types ({@link
 * io.eventual.event.EventType}: who emits and who consumes each), the codec that reads HTTP (binary and structured)
 * and AMQP into one validated event with field-level errors, and the upcasters of old schema versions. It imports
 * nothing above it, so every other room can depend on it and it on none of them.
 */
package io.eventual.event;
