/**
 * The HTTP edge: the public API (place an order, publish a catalogued event, read orders), the admin API and the
 * operator console, and who may call what (callers, the admin guard, cross-site refusal); RFC 9457 problems for every
 * refusal.
 */
package io.eventual.trigger;
