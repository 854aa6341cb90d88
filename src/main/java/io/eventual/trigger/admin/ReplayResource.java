package io.eventual.trigger.admin;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.FunctionRunner;
import io.eventual.operations.Jobs;
import io.eventual.store.Replays;
import io.smallrye.mutiny.Uni;

/** Admin: deliver the events recorded since a point in time again to one function. */
@AdminOnly
@Path("/admin/replays")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayResource {

    /**
     * What to replay: to which function, which of the types it consumes, recorded since when; {@code mode}
     * {@code skip-applied} (default) or {@code reapply}; at most {@code rate} a second.
     */
    public record ReplayRequest(@NotBlank String function, @NotEmpty List<@NotBlank String> types,
            @NotNull OffsetDateTime since, String mode, @Min(1) Integer rate) {
    }

    private final Replays replays;
    private final Jobs jobs;
    private final FunctionRunner functions;
    private final AdminConfig config;

    ReplayResource(Replays replays, Jobs jobs, FunctionRunner functions, AdminConfig config) {
        this.replays = replays;
        this.jobs = jobs;
        this.functions = functions;
        this.config = config;
    }

    @Operation(summary = "Replay events to a function", description = "Delivers the events of the given types that "
            + "the store recorded since the given time again to the function's own queues, in the store's order, in the "
            + "background at most eventual.admin.bulk-rate a second. Mode skip-applied (default): the function's inbox "
            + "skips what it applied before. Mode reapply: its dedupe records of those events are deleted first, for a "
            + "function whose state was rebuilt. The Location shows the progress.")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> replay(@Valid @NotNull ReplayRequest request) {
        Replays.Replay replay = resolve(request);
        int rate = Math.min(request.rate() == null ? config.bulkRate() : request.rate(), config.bulkRate());
        return replays.plan(replay).chain(plan -> jobs.start(Replays.KIND, request, rate, plan.total(),
                Replays.start(replay, plan)))
                .map(job -> Response.accepted(job).location(URI.create("/admin/replays/" + job.id())).build());
    }

    @Operation(summary = "A replay's progress", description = "State, events delivered of the total, and when the process "
            + "that runs it last reported.")
    @GET
    @Path("/{id}")
    public Uni<Jobs.Progress> progress(@PathParam("id") String id) {
        return jobs.find(id).map(found -> found.filter(job -> job.kind().equals(Replays.KIND))
                .orElseThrow(() -> new NotFoundException("no replay " + id)));
    }

    private Replays.Replay resolve(ReplayRequest request) {
        if (!functions.known().contains(request.function()) || request.function().equals("store")) {
            throw new InvalidEventException("function", "must be one of " + functions.known().stream()
                    .filter(f -> !f.equals("store")).toList() + ", was " + request.function());
        }
        List<EventType> types = new ArrayList<>();
        for (int i = 0; i < request.types().size(); i++) {
            String name = request.types().get(i);
            String field = "types[" + i + "]";
            EventType type = EventType.of(name).filter(t -> t.consumers().contains(request.function()))
                    .orElseThrow(() -> new InvalidEventException(field, name + " is not a type " + request.function()
                            + " consumes"));
            types.add(type);
        }
        Replays.Mode mode = switch (request.mode() == null ? "skip-applied" : request.mode()) {
            case "skip-applied" -> Replays.Mode.SKIP_APPLIED;
            case "reapply" -> Replays.Mode.REAPPLY;
            default -> throw new InvalidEventException("mode", "must be skip-applied or reapply, was " + request.mode());
        };
        return new Replays.Replay(request.function(), types, request.since().toInstant(), mode);
    }
}
