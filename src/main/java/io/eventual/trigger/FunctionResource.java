package io.eventual.trigger;

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

/** Admin: which functions this process runs, and pausing or resuming their consumers (e.g. for maintenance). */
@Path("/admin/functions")
@Produces(MediaType.APPLICATION_JSON)
public class FunctionResource {

    private final FunctionRunner runner;

    FunctionResource(FunctionRunner runner) {
        this.runner = runner;
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

    private void known(String name) {
        if (!runner.known().contains(name)) {
            throw new NotFoundException("no function " + name);
        }
    }
}
