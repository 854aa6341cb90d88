package io.eventual.messaging;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.messaging.amqp.Delivery;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Carries one trace per order across the broker: the W3C trace context of the code that created an event is stored
 * with it in the outbox (as the CloudEvents distributed-tracing attributes {@code traceparent}/{@code tracestate}), the
 * relay's publish span continues it and travels as the message's own {@code traceparent} application property, and the
 * consumer's span continues that.
 */
@ApplicationScoped
public class Tracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** Span attribute naming the order (the event's subject), to find an order's spans in a tracing UI. */
    public static final String ORDER_ID = "eventual.order_id";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** {@code traceparent} (and {@code tracestate}) of {@code context}; empty when there is no sampled span. */
    public static Map<String, String> carrier(Context context) {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(context, carrier, Map::put);
        return carrier;
    }

    /** A span for publishing one outbox event, continuing the trace stored with it. */
    public Span publishing(String address, Map<String, String> attributes) {
        return tracer.spanBuilder("publish " + address).setSpanKind(SpanKind.PRODUCER)
                .setParent(W3C.extract(Context.root(), attributes, MAP))
                .setAttribute("messaging.system", "amqp")
                .setAttribute("messaging.destination.name", address)
                .setAttribute("messaging.message.id", String.valueOf(attributes.get("id")))
                .setAttribute(ORDER_ID, String.valueOf(attributes.get("subject")))
                .startSpan();
    }

    /**
     * A span for handling one delivery: its parent is the publish span the message carries, or else the trace context
     * of the event itself (a publisher that only sets the CloudEvents attributes).
     */
    Span consuming(String function, Delivery delivery) {
        Map<String, String> carrier = delivery.traceContext().containsKey(TRACEPARENT) ? delivery.traceContext()
                : delivery.attributes();
        String type = String.valueOf(delivery.attributes().get("type"));
        return tracer.spanBuilder(function + " process " + type).setSpanKind(SpanKind.CONSUMER)
                .setParent(W3C.extract(Context.root(), carrier, MAP))
                .setAttribute("messaging.system", "amqp")
                .setAttribute("messaging.destination.name", delivery.queue())
                .setAttribute("messaging.message.id", String.valueOf(delivery.attributes().get("id")))
                .setAttribute("eventual.function", function)
                .setAttribute(ORDER_ID, String.valueOf(delivery.attributes().get("subject")))
                .startSpan();
    }
}
