/**
 * The payment function: charges an order against the customer's credit and refunds it; the credit rule is {@code
 * CreditAccount.charge}, a plain method on the account; one ledger line per order makes a second charge impossible.
 */
package io.eventual.payment;
