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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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

    @Operation(summary = "Publish a CloudEvent", description = "Any catalogued event, in the CloudEvents HTTP binding: binary mode (ce-* headers, data as the body) or structured mode (application/cloudevents+json).")
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "Accepted: the event is recorded and will be published",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Published.class)))
    public Uni<Response> publish(HttpHeaders headers, @RequestBody(required = true, description = "Binary mode: the event's "
            + "data, with ce-specversion, ce-id, ce-source, ce-type (and optional ce-subject, ce-time, ce-schemaversion, "
            + "ce-correlationid, ce-causationid, ce-priority) headers. Structured mode: the whole event as "
            + "application/cloudevents+json.", content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "binary mode data",
                            value = "{\"orderId\":\"o-1\",\"reason\":\"customer asked\"}")),
                    @Content(mediaType = EventCodec.STRUCTURED_JSON, examples = @ExampleObject(name = "structured mode", value = """
                            {"specversion":"1.0","id":"e-1","source":"/crm","type":"payment.refund","subject":"o-1",
                             "datacontenttype":"application/json","data":{"orderId":"o-1","reason":"customer asked"}}""")) })
            byte[] body) {
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
