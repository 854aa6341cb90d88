/**
 * What operating eventual for months needs from the database: retention of every table that grows, and gauges of
 * database-held state (outbox backlog, sagas in flight, projection lag).
 */
package io.eventual.operations;
