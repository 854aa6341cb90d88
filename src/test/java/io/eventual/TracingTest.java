package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.eventual.messaging.Tracing;
import io.eventual.testing.EmbeddedInfrastructure;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One order, one trace: the HTTP request that placed it is the root, and every hop through the outbox and the broker
 * continues it, each consumer's span a child of the publish span of the message it handled.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class TracingTest {

    /** The saga's flow for a completed order: which function handled which event, in order. */
    static final List<String> HOPS = List.of("saga process order.placed", "payment process payment.screen",
            "saga process payment.screened", "payment process payment.process",
            "saga process payment.processed", "inventory process inventory.reserve", "saga process inventory.reserved",
            "shipping process shipping.schedule", "saga process shipping.scheduled");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void anOrderIsOneTraceFromTheRequestThroughEveryFunction() {
        // when
        String orderId = place(order("rhea", "DE", item("SKU-2", 1, "4.00")));
        awaitStatus(orderId, "COMPLETED");

        // then
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumerSpans(orderId).keySet()).containsAll(HOPS));
        Map<String, SpanData> consumers = consumerSpans(orderId);
        Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, Function.identity(), (a, b) -> a));
        SpanData request = byId.get(byId.get(consumers.get(HOPS.get(0)).getParentSpanId()).getParentSpanId());
        assertThat(request.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(request.getName()).contains("/orders");
        assertThat(request.getParentSpanContext().isValid()).as("the request starts the trace").isFalse();

        String previous = request.getSpanId();
        for (String hop : HOPS) {
            SpanData consumer = consumers.get(hop);
            assertThat(consumer.getTraceId()).as(hop).isEqualTo(request.getTraceId());
            assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
            SpanData publish = byId.get(consumer.getParentSpanId());
            assertThat(publish).as("publish span of " + hop).isNotNull();
            assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(publish.getParentSpanId()).as("the publish before " + hop + " continues the hop before it")
                    .isEqualTo(previous);
            previous = consumer.getSpanId();
        }
    }

    private Map<String, SpanData> consumerSpans(String orderId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .filter(s -> orderId.equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(Tracing.ORDER_ID))))
                .collect(Collectors.toMap(SpanData::getName, Function.identity(), (a, b) -> a));
    }
}
