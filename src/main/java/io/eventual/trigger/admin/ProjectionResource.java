package io.eventual.trigger.admin;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.projection.OrderProjector;
import io.eventual.projection.OrderViews;
import io.smallrye.mutiny.Uni;

/** Admin: how far the order view is behind the event store, and rebuilding it from the store. */
@AdminOnly
@Path("/admin/projections/orders")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionResource {

    private final OrderProjector projector;
    private final OrderViews views;

    ProjectionResource(OrderProjector projector, OrderViews views) {
        this.projector = projector;
        this.views = views;
    }

    @Operation(summary = "Order view lag", description = "Events recorded but not yet in the view, and the age of the oldest.")
    @GET
    public Uni<OrderViews.Lag> lag() {
        return views.lag();
    }

    /** Replays the whole store into the view in one transaction; readers see the old view until it commits. */
    @Operation(summary = "Rebuild the order view", description = "Replays the store into the view in one transaction; readers see the old view until it commits.")
    @POST
    @Path("/rebuild")
    public Uni<Map<String, Long>> rebuild() {
        return projector.rebuild().map(position -> Map.of("position", position.position()));
    }
}
