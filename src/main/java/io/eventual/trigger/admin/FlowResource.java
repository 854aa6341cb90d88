package io.eventual.trigger.admin;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.saga.OrderSaga;
import io.smallrye.mutiny.Uni;

/** Admin: the versions of the order flow, and how many orders each has in flight and ended. */
@AdminOnly
@Path("/admin/flows")
@Produces(MediaType.APPLICATION_JSON)
public class FlowResource {

    private final OrderSaga saga;

    FlowResource(OrderSaga saga) {
        this.saga = saga;
    }

    @Operation(summary = "Flow versions", description = "Each version of the order flow with its shape and its orders in "
            + "flight, completed and cancelled; a version may be retired once none is in flight.")
    @GET
    public Uni<List<OrderSaga.VersionCount>> versions() {
        return saga.versions();
    }
}
