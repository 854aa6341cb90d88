package io.eventual.trigger;

import java.math.BigDecimal;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;

import io.eventual.event.Address;
import io.eventual.event.CurrencyCode;
import io.eventual.event.Event;
import io.eventual.event.EventCodec;
import io.eventual.event.EventType;
import io.eventual.event.Identifier;
import io.eventual.event.InvalidEventException;
import io.eventual.event.Priority;
import io.eventual.event.order.LineItem;
import io.eventual.event.order.OrderPlaced;
import io.eventual.event.order.OrderPlacedUpcasts;
import io.eventual.projection.OrderFold;
import io.eventual.projection.OrderTimeline;
import io.eventual.projection.OrderViews;
import io.eventual.saga.HistoryEntry;
import io.eventual.saga.OrderSaga;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Place an order ({@code order.placed}) and follow it. */
@Path("/orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    static final String SOURCE = "/eventual/trigger";
    static final String MIN_POSITION_DOC = "An Eventual-Position a write answered with: the read waits until the view has "
            + "that write (at most eventual.view.max-wait) and answers with Eventual-Position-Reached and Eventual-View-Lag";

    /** The body of {@code POST /orders}: the trigger computes the total. */
    public record PlaceOrder(
            @Identifier String customerId,
            @NotEmpty @Size(max = 100) List<@Valid @NotNull LineItem> items,
            @NotNull @CurrencyCode String currency,
            @NotNull @Valid Address shippingAddress,
            Priority priority) {
    }

    public record Accepted(String orderId, String status) {
    }

    /**
     * An order. {@code flowVersion}: the version of the order flow it runs on (null once purged). {@code purged}: it
     * ended long ago and retention deleted its saga (lines, address, history); status, reason and total come from the
     * order view, and its events stay in its timeline until their month leaves the event store (then the timeline says
     * {@code purged} too).
     */
    public record OrderView(String orderId, String status, String reason, Integer flowVersion, String customerId,
            List<LineItem> items, String currency, BigDecimal total, Address shippingAddress, List<Step> history,
            boolean purged) {
    }

    public record Step(String type, Instant time, String direction, String eventId) {
        static Step of(HistoryEntry entry) {
            return new Step(entry.type(), entry.time(), entry.direction(), entry.eventId());
        }
    }

    private final EventCodec codec;
    private final Publisher publisher;
    private final OrderSaga saga;

    private final OrderViews views;
    private final OrderTimeline timeline;

    private final Callers callers;
    private final ReadYourWrites readYourWrites;

    OrderResource(EventCodec codec, Publisher publisher, OrderSaga saga, OrderViews views, OrderTimeline timeline,
            Callers callers, ReadYourWrites readYourWrites) {
        this.callers = callers;
        this.readYourWrites = readYourWrites;
        this.codec = codec;
        this.publisher = publisher;
        this.saga = saga;
        this.views = views;
        this.timeline = timeline;
    }

    /** The order's events in causal order, with the time each hop took, attempts and dead letters. */
    @Operation(summary = "An order's timeline", description = "Its events in causal order with hop times, attempts and dead letters.")
    @GET
    @Path("/{orderId}/timeline")
    public Uni<OrderTimeline.Timeline> timeline(@PathParam("orderId") String orderId) {
        return timeline.of(orderId).map(found -> {
            if (found.events().isEmpty() && found.deadLetters().isEmpty() && !found.purged()) {
                throw new NotFoundException("no events for order " + orderId);
            }
            return found;
        });
    }

    /** A page that draws the timeline, for people. */
    @Operation(summary = "An order's timeline as a page", description = "HTML that draws the timeline.")
    @GET
    @Path("/{orderId}/view")
    @Produces(MediaType.TEXT_HTML)
    public Response view(@PathParam("orderId") String orderId) {
        return Response.ok(getClass().getResourceAsStream("/timeline.html")).build();
    }

    /**
     * Places an order. With an {@code Idempotency-Key} header, a retry of the same request returns the order created
     * the first time instead of placing another.
     */
    @Operation(summary = "Place an order", description = "Publishes order.placed once it is durably recorded; the saga takes it from there.")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "Accepted: order.placed is recorded and will be published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request", content = @Content(mediaType = Problems.PROBLEM_JSON, schema = @Schema(ref = "Problem")))
    public Uni<Response> place(
            @Parameter(description = "Retries with the same key and body return the first order") @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Parameter(hidden = true) @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlaceOrder.class))) byte[] body) {
        callers.requirePublisher(authorization, EventType.ORDER_PLACED);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new InvalidEventException("Idempotency-Key", "must be 1 to 200 characters");
        }
        // Items without a name are named after their SKU, exactly as order.placed version 1 events are upcast.
        PlaceOrder request = codec.read(body, PlaceOrder.class, "", OrderPlacedUpcasts::v1ToV2);
        OrderPlaced placed = codec.validated(new OrderPlaced(UUID.randomUUID().toString(), request.customerId(),
                request.items(), request.currency(), request.shippingAddress(), OrderPlaced.totalOf(request.items())), "");
        Event event = Event.first(SOURCE, placed, request.priority() == null ? Priority.NORMAL : request.priority());
        Uni<Publisher.Once> published = idempotencyKey == null
                ? publisher.publish(event).map(e -> new Publisher.Once(e.subject(), e.id()))
                : publisher.publishOnce(idempotencyKey, sha256(body), event);
        return published.map(once -> ReadYourWrites.accepted(once.eventId(), EventType.ORDER_PLACED,
                new Accepted(once.orderId(), "ACCEPTED")).location(URI.create("/orders/" + once.orderId())).build());
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lists orders from the order view (CQRS read model), newest first by default. */
    @Operation(summary = "List orders", description = "From the order view (read model), with filters, sorting, paging and the view's lag.")
    @GET
    public Uni<RestResponse<OrderViews.Page>> list(@QueryParam("status") String status, @QueryParam("customerId") String customerId,
            @QueryParam("sort") @DefaultValue("newest") @Pattern(regexp = "newest|oldest") String sort,
            @QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size,
            @Parameter(description = MIN_POSITION_DOC) @HeaderParam(ReadYourWrites.MIN_POSITION) String minPosition) {
        return readYourWrites.await(minPosition, false).chain(awaited -> views.list(Optional.ofNullable(status),
                Optional.ofNullable(customerId), sort.equals("newest"), page, size)
                .map(found -> ReadYourWrites.answer(found, awaited)));
    }

    @Operation(summary = "Read an order", description = "Its status, lines, total and every event the saga received or sent.")
    @GET
    @Path("/{orderId}")
    public Uni<RestResponse<OrderView>> get(@PathParam("orderId") String orderId,
            @Parameter(description = MIN_POSITION_DOC) @HeaderParam(ReadYourWrites.MIN_POSITION) String minPosition) {
        return readYourWrites.await(minPosition, true).chain(awaited -> order(orderId)
                .map(found -> ReadYourWrites.answer(found, awaited)));
    }

    private Uni<OrderView> order(String orderId) {
        return Panache.withSession(() -> saga.status(orderId)).chain(found -> found.isPresent()
                ? Uni.createFrom().item(found.map(s -> new OrderView(s.orderId(), s.status(), s.reason(),
                        s.flowVersion(), s.order().customerId(), s.order().items(), s.order().currency(), s.order().total(),
                        s.order().shippingAddress(), s.history().stream().map(Step::of).toList(), false)))
                : views.find(orderId).map(view -> view.filter(v -> OrderFold.ENDED.contains(v.status()))
                        .map(v -> new OrderView(v.orderId(), v.status(), v.reason(), null, v.customerId(), List.of(),
                                v.currency(), v.total(), null, List.of(), true))))
                .map(order -> order.orElseThrow(() -> new NotFoundException("no order " + orderId)));
    }
}
