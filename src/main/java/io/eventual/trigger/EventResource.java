package io.eventual.trigger;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.EventualConfig;
import io.smallrye.mutiny.Uni;

/**
 * Publishes an event of a type outside services may publish ({@code eventual.producers.types}), given in the CloudEvents
 * HTTP binding, binary ({@code ce-*} headers) or structured. Other types are eventual's own conversation between its
 * functions, which nobody outside may join (it could forge a payment or an outcome). Anyone may place an order (unless
 * {@code eventual.producers.anonymous-orders} is off); the other types change stock and need a producer token or the
 * admin's credentials. An order is placed once: an {@code order.placed} for an existing order is refused.
 */
@Path("/events")
public class EventResource {

    private static final String HEADER_PREFIX = "ce-";

    /** An event of a type outside services may not publish. */
    public static class NotPublishable extends RuntimeException {
        NotPublishable(String message) {
            super(message);
        }
    }

    private final EventCodec codec;
    private final Publisher publisher;
    private final Callers callers;
    private final Set<String> publishable;

    EventResource(EventCodec codec, Publisher publisher, Callers callers, EventualConfig config) {
        this.codec = codec;
        this.publisher = publisher;
        this.callers = callers;
        this.publishable = new TreeSet<>(config.producers().types());
    }

    @Operation(summary = "Publish a CloudEvent", description = "An event of a type outside services may publish (order.placed; others are refused with 403), in the CloudEvents HTTP binding: binary mode (ce-* headers, data as the body) or structured mode (application/cloudevents+json).")
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "Accepted: the event is recorded and will be published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReadYourWrites.Published.class)))
    @APIResponse(responseCode = "401", description = "A type that needs a credential (a producer token or the admin's), or wrong credentials", content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "An order.placed for an order that exists", content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "403", description = "A type outside services may not publish", content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<Response> publish(HttpHeaders headers, @RequestBody(required = true, description = "Binary mode: the event's "
            + "data, with ce-specversion, ce-id, ce-source, ce-type (and optional ce-subject, ce-time, ce-schemaversion, "
            + "ce-correlationid, ce-causationid, ce-priority) headers. Structured mode: the whole event as "
            + "application/cloudevents+json.", content = { @Content(mediaType = MediaType.APPLICATION_JSON),
                    @Content(mediaType = EventCodec.STRUCTURED_JSON) }) byte[] body) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        callers.of(authorization); // wrong credentials are refused before the event is even read
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        Event event = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(EventCodec.STRUCTURED_JSON)
                ? codec.fromStructured(body)
                : codec.fromBinary(attributes(headers), contentType, body);
        if (!publishable.contains(event.type().typeName())) {
            throw new NotPublishable(event.type() + " is eventual's own event; outside services may publish "
                    + String.join(", ", publishable));
        }
        callers.requirePublisher(authorization, event.type());
        return (event.type() == EventType.ORDER_PLACED ? publisher.publishNewOrder(event) : publisher.publish(event))
                .map(published -> ReadYourWrites.accepted(published).build());
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
