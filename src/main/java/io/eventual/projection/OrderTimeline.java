package io.eventual.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventual.store.EventStore;
import io.eventual.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * An order's story for a person: its events in causal order (each after the event that caused it), how long each hop
 * took, which function applied it after how many attempts, and the dead letters parked for it.
 */
@ApplicationScoped
public class OrderTimeline {

    public record Applied(String consumer, int attempts, Instant at) {
    }

    public record Entry(String eventId, String type, String source, Instant time, String causationId, Long hopMillis,
            List<Applied> appliedBy) {
    }

    public record DeadLetter(long id, String consumer, String type, String reason, int attempts, Instant at) {
    }

    /**
     * {@code purged}: the order's events left the event store with their month (retention); the order view still has
     * its outcome.
     */
    public record Timeline(String orderId, List<Entry> events, List<DeadLetter> deadLetters, boolean purged) {
    }

    private final EventStore store;
    private final Pool pool;

    OrderTimeline(EventStore store, Pool pool) {
        this.store = store;
        this.pool = pool;
    }

    public Uni<Timeline> of(String orderId) {
        return store.readStream(orderId, 0).chain(events -> applied(events).chain(applied -> deadLetters(orderId)
                .chain(dead -> purged(orderId, events).map(purged -> new Timeline(orderId, causalOrder(events, applied), dead, purged)))));
    }

    private Uni<Boolean> purged(String orderId, List<StoredEvent> events) {
        return !events.isEmpty() ? Uni.createFrom().item(false)
                : pool.preparedQuery("select 1 from order_view where order_id = $1").execute(Tuple.of(orderId))
                        .map(rows -> rows.size() > 0);
    }

    private static List<Entry> causalOrder(List<StoredEvent> events, Map<String, List<Applied>> applied) {
        Map<String, StoredEvent> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.put(e.eventId(), e));
        Map<String, List<StoredEvent>> effects = new HashMap<>();
        List<StoredEvent> roots = new ArrayList<>();
        for (StoredEvent e : events) {
            if (e.causationId() != null && byId.containsKey(e.causationId())) {
                effects.computeIfAbsent(e.causationId(), k -> new ArrayList<>()).add(e);
            } else {
                roots.add(e);
            }
        }
        List<Entry> ordered = new ArrayList<>();
        roots.sort(Comparator.comparing(StoredEvent::time));
        for (StoredEvent root : roots) {
            visit(root, byId, effects, applied, ordered);
        }
        return ordered;
    }

    private static void visit(StoredEvent event, Map<String, StoredEvent> byId, Map<String, List<StoredEvent>> effects,
            Map<String, List<Applied>> applied, List<Entry> ordered) {
        StoredEvent cause = event.causationId() == null ? null : byId.get(event.causationId());
        Long hop = cause == null ? null : Duration.between(cause.time(), event.time()).toMillis();
        ordered.add(new Entry(event.eventId(), event.type(), event.source(), event.time(), event.causationId(), hop,
                applied.getOrDefault(event.eventId(), List.of())));
        List<StoredEvent> next = new ArrayList<>(effects.getOrDefault(event.eventId(), List.of()));
        next.sort(Comparator.comparing(StoredEvent::time));
        for (StoredEvent effect : next) {
            visit(effect, byId, effects, applied, ordered);
        }
    }

    private Uni<Map<String, List<Applied>>> applied(List<StoredEvent> events) {
        String[] ids = events.stream().map(StoredEvent::eventId).toArray(String[]::new);
        String[] sources = events.stream().map(StoredEvent::source).toArray(String[]::new);
        // Dedupe records from before they kept the source have none ('').
        return pool.preparedQuery("select event_id, consumer, attempts, processed_at from processed_event "
                + "where (event_id, source) in (select * from unnest($1::text[], $2::text[]) union all select unnest($1::text[]), '') "
                + "and consumer <> 'store' order by processed_at").execute(Tuple.of(ids, sources)).map(rows -> {
                    Map<String, List<Applied>> applied = new HashMap<>();
                    rows.forEach(row -> applied.computeIfAbsent(row.getString("event_id"), k -> new ArrayList<>())
                            .add(new Applied(row.getString("consumer"), row.getInteger("attempts"),
                                    row.getOffsetDateTime("processed_at").toInstant())));
                    return applied;
                });
    }

    private Uni<List<DeadLetter>> deadLetters(String orderId) {
        return pool.preparedQuery("select id, consumer, event_type, reason, attempts, created_at from dead_letter "
                + "where subject = $1 order by id").execute(Tuple.of(orderId)).map(rows -> {
                    List<DeadLetter> dead = new ArrayList<>();
                    rows.forEach(row -> dead.add(new DeadLetter(row.getLong("id"), row.getString("consumer"),
                            row.getString("event_type"), row.getString("reason"), row.getInteger("attempts"),
                            row.getOffsetDateTime("created_at").toInstant())));
                    return dead;
                });
    }
}
