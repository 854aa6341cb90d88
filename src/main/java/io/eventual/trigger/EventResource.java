package io.eventual.trigger;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.InvalidEventException;
import io.smallrye.mutiny.Uni;

/** Publishes any catalogued event given in the CloudEvents HTTP binding, binary ({@code ce-*} headers) or structured. */
@Path("/events")
public class EventResource {

    private static final String HEADER_PREFIX = "ce-";

    public record Published(String id, String type, String subject) {
    }

    private final EventCodec codec;
    private final Publisher publisher;

    EventResource(EventCodec codec, Publisher publisher) {
        this.codec = codec;
        this.publisher = publisher;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> publish(HttpHeaders headers, byte[] body) {
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        Event event = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(EventCodec.STRUCTURED_JSON)
                ? codec.fromStructured(body)
                : codec.fromBinary(attributes(headers), contentType, body);
        return publisher.publish(event).map(published -> Response.accepted(
                new Published(published.id(), published.type().typeName(), published.subject())).build());
    }

    private static Map<String, String> attributes(HttpHeaders headers) {
        Map<String, String> attributes = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith(HEADER_PREFIX) && !values.isEmpty()) {
                attributes.put(name.substring(HEADER_PREFIX.length()).toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        if (attributes.isEmpty()) {
            throw new InvalidEventException(null, "not a CloudEvent: send ce-* headers (binary mode) or "
                    + EventCodec.STRUCTURED_JSON + " (structured mode)");
        }
        return attributes;
    }
}
