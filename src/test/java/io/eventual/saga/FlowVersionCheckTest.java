package io.eventual.saga;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.messaging.EventualConfig;
import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A build that lacks a flow version with orders in flight on it refuses to start the saga function: those orders could
 * never end. Ended orders on it do not matter.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class FlowVersionCheckTest {

    @Inject
    OrderSaga saga;
    @Inject
    EventualConfig config;

    @Test
    void ordersInFlightOnAVersionThisBuildLacksStopTheStart() {
        String stranded = "stranded-" + UUID.randomUUID();
        Db db = Db.owner();
        db.execute("insert into saga (id, saga, flow_version, status, step, data, correlation_id, history, created_at, "
                + "updated_at, version) values ($1, 'order', 0, 'COMPLETED', 0, '{}', 'c', '[]', now(), now(), 1)", stranded);
        try {
            assertThatCode(() -> saga.check(null, config)).as("an ended order on it").doesNotThrowAnyException();
            db.execute("update saga set status = 'PENDING_PAYMENT' where id = $1", stranded);
            assertThatThrownBy(() -> saga.check(null, config)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("1 orders are in flight on version 0 of the order flow, which this build no longer has "
                            + "(oldest: 1): deploy a build that has it until they have ended");
        } finally {
            db.execute("delete from saga where id = $1", stranded);
        }
    }
}
