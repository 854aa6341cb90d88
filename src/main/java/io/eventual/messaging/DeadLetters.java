package io.eventual.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Where a message goes when it cannot be handled: kept durably with the reason, never dropped. */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final Pool pool;

    DeadLetters(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> park(String consumer, Delivery delivery, String reason, int attempts) {
        LOG.warnf("dead letter from %s (event %s, type %s) after %d attempt(s): %s", delivery.queue(),
                delivery.attributes().get("id"), delivery.attributes().get("type"), attempts, reason);
        return pool.preparedQuery("insert into dead_letter (consumer, queue, event_id, event_type, subject, reason, "
                + "attempts, attributes, content_type, body) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .execute(Tuple.from(new Object[] { consumer, delivery.queue(), delivery.attributes().get("id"),
                        delivery.attributes().get("type"), delivery.attributes().get("subject"), reason, attempts,
                        new JsonObject(new java.util.HashMap<>(delivery.attributes())).encode(), delivery.contentType(),
                        delivery.bodyText() }))
                .replaceWithVoid();
    }
}
