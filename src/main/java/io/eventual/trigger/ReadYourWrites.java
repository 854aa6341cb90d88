package io.eventual.trigger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.eventual.event.Event;
import io.eventual.event.EventType;
import io.eventual.event.InvalidEventException;
import io.eventual.messaging.EventualConfig;
import io.eventual.projection.OrderViews;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Read-your-writes over views that catch up a moment later: a write that publishes an event answers with
 * {@value #POSITION}, a token naming that event; a read of the order view given it as {@value #MIN_POSITION} waits
 * until the view has the event (and, for one order, until the saga has applied it too, as {@code GET /orders/{id}}
 * reads the saga), at most {@code eventual.view.max-wait}, and answers with {@value #REACHED} and {@value #LAG}.
 */
@ApplicationScoped
public class ReadYourWrites {

    public static final String POSITION = "Eventual-Position";
    public static final String MIN_POSITION = "Eventual-Min-Position";
    public static final String REACHED = "Eventual-Position-Reached";
    public static final String LAG = "Eventual-View-Lag";
    private static final String VERSION = "1.";
    private static final Duration POLL = Duration.ofMillis(20);

    /** What a write answers: its event's id, type and subject. */
    public record Published(String id, String type, String subject) {
    }

    /** Whether the read waited long enough, and how far the view was still behind. */
    public record Awaited(boolean reached, OrderViews.Lag lag) {
    }

    private record Position(EventType type, String eventId) {
    }

    private final OrderViews views;
    private final Pool pool;
    private final Duration maxWait;

    ReadYourWrites(OrderViews views, Pool pool, EventualConfig config) {
        this.views = views;
        this.pool = pool;
        this.maxWait = config.view().maxWait();
    }

    /** 202 Accepted for a write that published {@code event}, with its position. */
    public static Response.ResponseBuilder accepted(Event event) {
        return accepted(event.id(), event.type(), new Published(event.id(), event.type().typeName(), event.subject()));
    }

    /** 202 Accepted with {@code entity}, and the position of the event {@code eventId} when it is known. */
    public static Response.ResponseBuilder accepted(String eventId, EventType type, Object entity) {
        Response.ResponseBuilder accepted = Response.accepted(entity);
        if (eventId != null) {
            accepted.header(POSITION, VERSION + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((type.typeName() + " " + eventId).getBytes(StandardCharsets.UTF_8)));
        }
        return accepted;
    }

    /**
     * Waits until the order view has applied the event of {@code token} (and the saga too, if {@code saga} and the saga
     * consumes its type), or {@code eventual.view.max-wait} has passed; at once when there is no token.
     */
    public Uni<Awaited> await(String token, boolean saga) {
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        Position position = parse(token);
        boolean withSaga = saga && position.type().consumers().contains("saga");
        return Multi.createBy().repeating().uni(() -> reached(position, withSaga)).withDelay(POLL)
                .whilst(done -> !done).collect().last()
                .ifNoItem().after(maxWait).recoverWithItem(false)
                .chain(reached -> views.lag().map(lag -> new Awaited(reached, lag)));
    }

    /** {@code entity}, with what the wait found if there was one. */
    public static <T> RestResponse<T> answer(T entity, Awaited awaited) {
        RestResponse.ResponseBuilder<T> ok = RestResponse.ResponseBuilder.ok(entity);
        if (awaited != null) {
            ok.header(REACHED, String.valueOf(awaited.reached())).header(LAG, String.format(Locale.ROOT,
                    "events=%d, seconds=%.3f", awaited.lag().events(), awaited.lag().seconds()));
        }
        return ok.build();
    }

    private Uni<Boolean> reached(Position position, boolean withSaga) {
        Uni<Boolean> view = views.reached(position.eventId());
        return !withSaga ? view : view.chain(inView -> !inView ? Uni.createFrom().item(false)
                : pool.preparedQuery("select exists (select 1 from processed_event where consumer = 'saga' and event_id = $1) "
                        + "or exists (select 1 from dead_letter where consumer = 'saga' and event_id = $1)")
                        .execute(Tuple.of(position.eventId())).map(rows -> rows.iterator().next().getBoolean(0)));
    }

    private static Position parse(String token) {
        try {
            if (token.startsWith(VERSION)) {
                String[] typeAndId = new String(Base64.getUrlDecoder().decode(token.substring(VERSION.length())),
                        StandardCharsets.UTF_8).split(" ", 2);
                if (typeAndId.length == 2 && EventType.of(typeAndId[0]).isPresent()) {
                    return new Position(EventType.of(typeAndId[0]).get(), typeAndId[1]);
                }
            }
        } catch (IllegalArgumentException notBase64) {
            // reported below
        }
        throw new InvalidEventException(MIN_POSITION, "must be an " + POSITION + " this API answered with");
    }
}
