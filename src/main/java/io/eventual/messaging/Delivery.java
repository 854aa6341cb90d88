package io.eventual.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message as it came off a queue, before it is trusted: CloudEvents attributes (prefix removed), raw body, and the
 * message's own W3C trace context ({@code traceparent}/{@code tracestate} application properties), if any.
 */
public record Delivery(String queue, Map<String, String> attributes, String contentType, byte[] body,
        Map<String, String> traceContext) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
