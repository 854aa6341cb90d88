package io.eventual.trigger.admin;

import java.util.Optional;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.messaging.DeadLetters;
import io.smallrye.mutiny.Uni;

/** Admin: look at dead letters, send one back to its consumer, or discard it. */
@AdminOnly
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetters deadLetters;

    DeadLetterResource(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Operation(summary = "List dead letters", description = "Newest first, by consumer and event type, paged.")
    @GET
    public Uni<DeadLetters.Page> list(@QueryParam("consumer") String consumer, @QueryParam("type") String type,
            @QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        return deadLetters.list(Optional.ofNullable(consumer), Optional.ofNullable(type), page, size);
    }

    @Operation(summary = "Read a dead letter", description = "With the reason, attempts, original attributes and body.")
    @GET
    @Path("/{id}")
    public Uni<DeadLetters.DeadLetter> get(@PathParam("id") long id) {
        return deadLetters.find(id).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @Operation(summary = "Redrive a dead letter", description = "Sends it back to the queue of the consumer that parked it and removes it; "
            + "the events of its order held behind it follow, in order.")
    @POST
    @Path("/{id}/redrive")
    public Uni<Response> redrive(@PathParam("id") long id) {
        return deadLetters.redrive(id).map(done -> switch (done) {
            case REDRIVEN -> Response.accepted().build();
            case NOT_FOUND -> throw notFound(id);
            case NOT_TEXT -> throw new ClientErrorException("dead letter " + id + " has a body that is not text "
                    + "(bodyBase64), which no consumer reads: discard it", 409);
            case HELD -> throw new ClientErrorException("dead letter " + id + " waits behind an earlier dead letter of "
                    + "its order: redrive or discard that one, and this one follows", 409);
        });
    }

    @Operation(summary = "Discard a dead letter", description = "The events of its order held behind it go on, in order, "
            + "without it.")
    @DELETE
    @Path("/{id}")
    public Uni<Response> discard(@PathParam("id") long id) {
        return deadLetters.discard(id).map(done -> {
            if (!done) {
                throw notFound(id);
            }
            return Response.noContent().build();
        });
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("no dead letter " + id);
    }
}
