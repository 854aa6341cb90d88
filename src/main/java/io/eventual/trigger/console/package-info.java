/**
 * The operator console: one page over the admin API (orders, dead letters, functions, the broker's view), and the
 * status it starts from; behind the admin's credentials like the API it calls.
 */
package io.eventual.trigger.console;
