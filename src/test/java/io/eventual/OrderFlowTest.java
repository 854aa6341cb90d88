package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.eventual.testing.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class OrderFlowTest {

    @Test
    void aPaidReservedShippedOrderCompletes() {
        String orderId = place(order("alice", "DE", item("SKU-1", 2, "10.50"), item("SKU-2", 1, "5.00")));

        JsonPath order = awaitStatus(orderId, "COMPLETED");

        assertThat(order.getObject("total", BigDecimal.class)).isEqualByComparingTo("26.00");
        assertThat(order.getList("history.type", String.class)).containsExactly(
                "order.placed", "payment.process", "payment.processed", "inventory.reserve", "inventory.reserved",
                "shipping.schedule", "shipping.scheduled", "order.completed");
    }
}
