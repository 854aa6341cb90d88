package io.eventual.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** A background task that keeps failing through an outage warns once, not on every retry. */
class OutageTest {

    @Test
    void anOutageIsReportedOnceAndItsEndOnce() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("outage-test");
        jul.setLevel(Level.ALL);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        Outage outage = new Outage(Logger.getLogger("outage-test"), "publishing the outbox");

        // given a database that is down for ten retries, comes back, then goes down again
        for (int i = 0; i < 10; i++) {
            outage.failed(new IllegalStateException("connection refused"));
        }
        outage.succeeded();
        outage.succeeded();
        outage.failed(new IllegalStateException("connection reset"));

        // expect
        jul.removeHandler(capture);
        assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(LogRecord::getMessage).hasSize(2)
                .allMatch(m -> m.startsWith("publishing the outbox failed, will retry: connection re"));
        assertThat(records).filteredOn(r -> r.getLevel().intValue() == Level.INFO.intValue()).extracting(LogRecord::getMessage)
                .containsExactly("publishing the outbox works again");
    }
}
