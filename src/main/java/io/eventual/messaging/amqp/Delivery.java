package io.eventual.messaging.amqp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.eventual.event.InvalidEventException.Violation;

/**
 * A message as it came off a queue, before it is trusted: the address it was sent to, CloudEvents attributes (prefix
 * removed, canonical strings) and those that could not be read, raw body, and the message's own W3C trace context
 * ({@code traceparent}/{@code tracestate} application properties), if any.
 */
public record Delivery(String queue, String address, Map<String, String> attributes, List<Violation> unreadableAttributes,
        String contentType, byte[] body, Map<String, String> traceContext) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
