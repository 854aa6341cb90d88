package io.eventual.trigger.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.operations.Jobs;

/** Admin: the progress of a background job (a failure group's redrive or discard, a replay) this process runs. */
@AdminOnly
@Path("/admin/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final Jobs jobs;

    JobResource(Jobs jobs) {
        this.jobs = jobs;
    }

    @Operation(summary = "A job's progress", description = "Kept in the process that runs the job: its state (RUNNING, "
            + "DONE, FAILED), the items done and, if it failed, why.")
    @GET
    @Path("/{id}")
    public Jobs.Progress get(@PathParam("id") String id) {
        return jobs.find(id).orElseThrow(() -> new NotFoundException("no job " + id + " in this process"));
    }
}
