package io.eventual.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.eventual.event.Money;

/** The credit rule, given/when/then on the account, in milliseconds (the wiring: StockAndCreditTest, OrderFlowTest). */
class CreditAccountSpec {

    static CreditAccount account(String limit, String charged) {
        CreditAccount account = new CreditAccount();
        account.customerId = "c-1";
        account.currency = "EUR";
        account.creditLimit = new BigDecimal(limit);
        account.charged = new BigDecimal(charged);
        return account;
    }

    static Money eur(String amount) {
        return Money.of(new BigDecimal(amount), "EUR");
    }

    @Test
    void whatIsAvailableIsCharged() {
        CreditAccount account = account("1000.00", "900.00");
        Payment payment = account.charge("o-1", eur("100.00"));
        assertThat(payment.status).isEqualTo(Payment.Status.CHARGED);
        assertThat(payment.paymentId).isNotBlank();
        assertThat(account.charged).isEqualByComparingTo("1000.00");
        assertThat(account.available()).isEqualByComparingTo("0");
    }

    @Test
    void aCentMoreThanAvailableIsDeclinedWithTheReasonAndNothingMoves() {
        CreditAccount account = account("1000.00", "900.00");
        Payment payment = account.charge("o-1", eur("100.01"));
        assertThat(payment.status).isEqualTo(Payment.Status.DECLINED);
        assertThat(payment.reason).isEqualTo("insufficient credit: 100.01 EUR requested, 100.00 available");
        assertThat(payment.paymentId).isNull();
        assertThat(account.charged).isEqualByComparingTo("900.00");
    }

    @Test
    void aRefundGivesTheChargeBack() {
        CreditAccount account = account("1000.00", "0");
        Payment payment = account.charge("o-1", eur("250.00"));
        account.refund(payment, "order cancelled");
        assertThat(payment.status).isEqualTo(Payment.Status.REFUNDED);
        assertThat(payment.reason).isEqualTo("order cancelled");
        assertThat(account.available()).isEqualByComparingTo("1000.00");
    }
}
