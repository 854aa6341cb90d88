package io.eventual.trigger.console;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.eventual.messaging.outbox.OutboxRelay;
import io.eventual.projection.OrderViews;
import io.eventual.saga.SagaMetrics;
import io.eventual.trigger.admin.AdminOnly;
import io.smallrye.mutiny.Uni;

/**
 * The operator console: one page (static HTML and a little JavaScript over the HTTP and admin APIs) behind the admin
 * credentials, and the system figures it shows.
 */
@Path("/")
public class ConsoleResource {

    /** What the console's System view shows: the outbox backlog, the order view's lag and the sagas in flight. */
    public record Status(OutboxRelay.Backlog outbox, OrderViews.Lag projection, Map<String, Long> sagasInFlight) {
    }

    private final OutboxRelay relay;
    private final OrderViews views;
    private final SagaMetrics sagas;

    ConsoleResource(OutboxRelay relay, OrderViews views, SagaMetrics sagas) {
        this.relay = relay;
        this.views = views;
        this.sagas = sagas;
    }

    @Operation(summary = "Operator console", description = "Orders, dead letters, functions and system figures (admin credentials).")
    @AdminOnly
    @GET
    @Path("console")
    @Produces(MediaType.TEXT_HTML)
    public Response console() {
        return Response.ok(getClass().getResourceAsStream("/console.html")).build();
    }

    @Operation(summary = "System status", description = "Outbox backlog, order view lag and sagas in flight by status.")
    @AdminOnly
    @GET
    @Path("admin/status")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Status> status() {
        return Uni.combine().all().unis(relay.backlog(), views.lag(), sagas.inFlight()).with(Status::new);
    }
}
