package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Log lines written while an event is handled say which order, event, correlation and function they are about. */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class LogContextTest {

    final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                ext.copyAll();
                records.add(ext);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aDeclinedOrderIsLoggedOnceWithItsContextAndWithoutAStackTrace() {
        // when
        String orderId = place(order("broke", "DE", item("SKU-1", 1, "5.00")));
        awaitStatus(orderId, "CANCELLED");

        // then
        await().atMost(Duration.ofSeconds(5)).until(() -> outcome(orderId).size() == 1);
        ExtLogRecord outcome = outcome(orderId).get(0);
        assertThat(outcome.getLevel()).isEqualTo(Level.INFO);
        assertThat(outcome.getFormattedMessage()).contains("cancelled", "payment failed");
        assertThat(outcome.getMdcCopy()).containsEntry("orderId", orderId).containsEntry("function", "saga")
                .containsEntry("eventType", "payment.failed").containsKeys("eventId", "correlationId", "traceId");
        assertThat(records).as("nothing about this order is logged as a warning or with a stack trace")
                .filteredOn(r -> orderId.equals(r.getMdc("orderId")) || r.getFormattedMessage().contains(orderId))
                .allSatisfy(r -> {
                    assertThat(r.getLevel().intValue()).isLessThan(Level.WARNING.intValue());
                    assertThat(r.getThrown()).isNull();
                });
    }

    private List<ExtLogRecord> outcome(String orderId) {
        return records.stream().filter(r -> r.getFormattedMessage().contains(orderId + " cancelled")).toList();
    }
}
