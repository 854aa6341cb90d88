package io.eventual.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A message as it came off a queue, before it is trusted: CloudEvents attributes (prefix removed) and raw body. */
public record Delivery(String queue, Map<String, String> attributes, String contentType, byte[] body) {

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
