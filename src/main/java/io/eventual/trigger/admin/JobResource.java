package io.eventual.trigger.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.operations.Jobs;
import io.smallrye.mutiny.Uni;

/** Admin: the progress of a background job (a failure group's redrive or discard, a replay), whichever process runs it. */
@AdminOnly
@Path("/admin/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final Jobs jobs;

    JobResource(Jobs jobs) {
        this.jobs = jobs;
    }

    @Operation(summary = "A job's progress", description = "Its state (RUNNING, DONE, FAILED), the items done (of the total "
            + "when known), if it failed why, and when the process that runs it last reported.")
    @GET
    @Path("/{id}")
    public Uni<Jobs.Progress> get(@PathParam("id") String id) {
        return jobs.find(id).map(found -> found.orElseThrow(() -> new NotFoundException("no job " + id)));
    }
}
