/**
 * The operator's API under /admin: dead letters (the table's and the broker's), pausing and resuming functions, stock
 * and credit, rebuilding the order view. Every resource is {@code @AdminOnly}: the admin's credentials, never
 * cross-site.
 */
package io.eventual.trigger.admin;
