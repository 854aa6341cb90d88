package io.eventual.trigger.admin;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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

import io.eventual.messaging.amqp.BrokerQueues;
import io.smallrye.mutiny.Uni;

/**
 * Admin: the broker's own dead letters (its DLQ): messages a consumer could not even park in the dead_letter table, or
 * that the broker gave up redelivering. Rare by design; listed, sent back to the queue they came from, or removed
 * (needs {@code eventual.management.*}).
 */
@AdminOnly
@Path("/admin/broker-dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class BrokerDeadLetterResource {

    private final BrokerQueues broker;

    BrokerDeadLetterResource(BrokerQueues broker) {
        this.broker = broker;
    }

    @Operation(summary = "List the broker's dead letters", description = "Oldest first: the queue each came from and its CloudEvents attributes.")
    @GET
    public Uni<List<BrokerQueues.BrokerDeadLetter>> list(@QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return broker.deadLetters(limit);
    }

    @Operation(summary = "Redrive a broker dead letter", description = "Sends it back to the queue it came from; "
            + "pair: the broker pair that holds it, as listed (orders partitioned over several pairs).")
    @POST
    @Path("/{messageId}/redrive")
    public Uni<Response> redrive(@PathParam("messageId") long messageId, @QueryParam("pair") @DefaultValue("0") int pair) {
        return broker.redrive(pair, messageId).map(done -> found(done, messageId, Response.accepted()));
    }

    @Operation(summary = "Discard a broker dead letter", description = "pair: the broker pair that holds it, as listed.")
    @DELETE
    @Path("/{messageId}")
    public Uni<Response> discard(@PathParam("messageId") long messageId, @QueryParam("pair") @DefaultValue("0") int pair) {
        return broker.discard(pair, messageId).map(done -> found(done, messageId, Response.noContent()));
    }

    private static Response found(boolean done, long messageId, Response.ResponseBuilder response) {
        if (!done) {
            throw new NotFoundException("no message " + messageId + " in the broker's dead letters");
        }
        return response.build();
    }
}
