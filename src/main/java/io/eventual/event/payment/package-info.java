/**
 * The data of the payment commands and replies (payment.process, payment.processed, payment.failed, payment.refund,
 * payment.refunded, payment.set-credit-limit).
 */
package io.eventual.event.payment;
