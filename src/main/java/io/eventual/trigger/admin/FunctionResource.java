package io.eventual.trigger.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.messaging.FunctionRunner;
import io.eventual.messaging.amqp.BrokerQueues;
import io.smallrye.mutiny.Uni;

/**
 * Admin: which functions this process runs, pausing or resuming their consumers in this process, and their queues at
 * the broker (depth, consumers, pausing them for every replica).
 */
@AdminOnly
@Path("/admin/functions")
@Produces(MediaType.APPLICATION_JSON)
public class FunctionResource {

    private final FunctionRunner runner;
    private final BrokerQueues queues;

    FunctionResource(FunctionRunner runner, BrokerQueues queues) {
        this.runner = runner;
        this.queues = queues;
    }

    @Operation(summary = "Functions of this process", description = "Known and running.")
    @GET
    public Map<String, Set<String>> list() {
        return Map.of("running", runner.running(), "known", runner.known());
    }

    @Operation(summary = "Pause a function", description = "Closes its consumers in this process; its events wait in its queues.")
    @POST
    @Path("/{name}/pause")
    public Response pause(@PathParam("name") String name) {
        known(name);
        runner.pause(name);
        return Response.noContent().build();
    }

    @Operation(summary = "Resume a function", description = "Opens its consumers in this process.")
    @POST
    @Path("/{name}/resume")
    public Response resume(@PathParam("name") String name) {
        known(name);
        runner.resume(name);
        return Response.noContent().build();
    }

    @Operation(summary = "A function's queues at the broker", description = "Messages waiting, consumers and paused, per queue it reads (needs eventual.management.*).")
    @GET
    @Path("/{name}/queues")
    public Uni<List<BrokerQueues.QueueState>> queues(@PathParam("name") String name) {
        known(name);
        return queues.of(name);
    }

    @Operation(summary = "Pause a function's queues at the broker", description = "Every replica stops receiving; its events wait.")
    @POST
    @Path("/{name}/queues/pause")
    public Uni<Response> pauseQueues(@PathParam("name") String name) {
        known(name);
        return queues.pause(name, true).replaceWith(Response.noContent().build());
    }

    @Operation(summary = "Resume a function's queues at the broker")
    @POST
    @Path("/{name}/queues/resume")
    public Uni<Response> resumeQueues(@PathParam("name") String name) {
        known(name);
        return queues.pause(name, false).replaceWith(Response.noContent().build());
    }

    private void known(String name) {
        if (!runner.known().contains(name)) {
            throw new NotFoundException("no function " + name);
        }
    }
}
