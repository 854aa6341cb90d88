package io.eventual.trigger.admin;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
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
import io.eventual.messaging.FailureGroups;
import io.eventual.operations.Jobs;
import io.smallrye.mutiny.Uni;

/** Admin: look at dead letters and their failure groups, send them back to their consumer, or discard them. */
@AdminOnly
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** A failure group, and how many of its dead letters a second to send at most. */
    public record GroupRequest(@NotBlank String consumer, String eventType,
            @NotNull @Pattern(regexp = "invalid|rejected|exhausted|held") String reasonClass, @Min(1) Integer rate) {
    }

    private final DeadLetters deadLetters;
    private final FailureGroups failureGroups;
    private final Jobs jobs;
    private final AdminConfig config;

    DeadLetterResource(DeadLetters deadLetters, FailureGroups failureGroups, Jobs jobs, AdminConfig config) {
        this.deadLetters = deadLetters;
        this.failureGroups = failureGroups;
        this.jobs = jobs;
        this.config = config;
    }

    @Operation(summary = "Failure groups", description = "Dead letters by consumer, event type and reason class, with "
            + "counts, when the first and the last were parked, and the last reason; largest first.")
    @GET
    @Path("/groups")
    public Uni<List<DeadLetters.Group>> groups() {
        return deadLetters.groups();
    }

    @Operation(summary = "Redrive a failure group", description = "In the background, oldest first, at most "
            + "eventual.admin.bulk-rate a second (or the rate asked for); the Location shows its progress. Dead letters "
            + "held behind an earlier one of their order stay.")
    @POST
    @Path("/groups/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> redriveGroup(@Valid @NotNull GroupRequest group) {
        return bulk(FailureGroups.REDRIVE, group);
    }

    @Operation(summary = "Discard a failure group", description = "In the background, oldest first, at a capped rate; "
            + "the Location shows its progress.")
    @POST
    @Path("/groups/discard")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> discardGroup(@Valid @NotNull GroupRequest group) {
        return bulk(FailureGroups.DISCARD, group);
    }

    /** Starts a job of {@code kind} over the group's dead letters there are now. */
    private Uni<Response> bulk(String kind, GroupRequest group) {
        int rate = Math.min(group.rate() == null ? config.bulkRate() : group.rate(), config.bulkRate());
        return failureGroups.start(group.consumer(), group.eventType(), group.reasonClass())
                .chain(from -> jobs.start(kind, group, rate, null, from))
                .map(job -> Response.accepted(job).location(URI.create("/admin/jobs/" + job.id())).build());
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
