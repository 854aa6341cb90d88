package io.eventual;

import static io.eventual.testing.Orders.awaitStatus;
import static io.eventual.testing.Orders.item;
import static io.eventual.testing.Orders.order;
import static io.eventual.testing.Orders.place;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventual.messaging.FunctionRunner;
import io.eventual.projection.OrderFold;
import io.eventual.store.ConcurrentAppendException;
import io.eventual.store.EventStore;
import io.eventual.store.GlobalPosition;
import io.eventual.store.NewEvent;
import io.eventual.store.StoredEvent;
import io.eventual.testing.Db;
import io.eventual.testing.EmbeddedInfrastructure;
import io.eventual.testing.Metrics;
import io.eventual.testing.RawAmqp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

@QuarkusTest
@QuarkusTestResource(EmbeddedInfrastructure.class)
class EventStoreTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    EventStore store;
    @Inject
    OrderFold fold;
    @Inject
    FunctionRunner runner;
    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int poolSize;

    @Test
    void everyEventOfAnOrderIsRecordedOnceInItsStream() {
        String orderId = place(order("lena", "DE", item("SKU-1", 1, "2.00")));
        List<String> history = awaitStatus(orderId, "COMPLETED").getList("history.eventId", String.class);

        await().atMost(WAIT).until(() -> stream(orderId).size() == history.size());
        List<StoredEvent> events = stream(orderId);
        assertThat(events).extracting(StoredEvent::eventId).containsExactlyElementsOf(history);
        assertThat(events).extracting(StoredEvent::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(events).extracting(StoredEvent::position).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(1).causationId()).isEqualTo(events.get(0).eventId());
        assertThat(events).extracting(StoredEvent::correlationId).containsOnly(events.get(0).eventId());
        assertThat(Db.owner().count("select count(*) from event_store where event_id = any($1)",
                (Object) history.toArray(new String[0]))).isEqualTo(history.size());
    }

    @Test
    void aTypeNoOneConfiguredIsRecordedThroughTheWildcardSubscription() {
        String stream = "member-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        try (RawAmqp amqp = new RawAmqp()) {
            amqp.send("loyalty.points.granted", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", id,
                    "cloudEvents:source", "/loyalty", "cloudEvents:type", "loyalty.points.granted",
                    "cloudEvents:subject", stream), "application/json", "{\"points\":50}");
        }

        await().atMost(WAIT).until(() -> stream(stream).size() == 1);
        StoredEvent event = stream(stream).get(0);
        assertThat(event.eventId()).isEqualTo(id);
        assertThat(event.type()).isEqualTo("loyalty.points.granted");
        assertThat(event.data()).isEqualTo("{\"points\":50}");
    }

    @Test
    void aBacklogIsRecordedInBatchesLargerThanTheConnectionPool() {
        // A batch takes one connection: a process with a small pool (as deployed) still writes large batches.
        String prefix = "backlog-" + UUID.randomUUID() + "-";
        int events = 3 * poolSize;
        runner.pause("store");
        try (RawAmqp amqp = new RawAmqp()) {
            for (int i = 0; i < events; i++) {
                amqp.send("loyalty.points.granted", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id",
                        UUID.randomUUID().toString(), "cloudEvents:source", "/loyalty", "cloudEvents:type",
                        "loyalty.points.granted", "cloudEvents:subject", prefix + i), "application/json", "{\"points\":1}");
            }
        } finally {
            runner.resume("store");
        }

        Db db = Db.owner();
        await().atMost(WAIT).until(() -> db.count("select count(*) from event_store where stream_id like $1", prefix + "%") == events);
        assertThat(db.count("""
                select max(n) from (select count(*) n from event_store where stream_id like $1 group by transaction_id) batches""",
                prefix + "%")).isGreaterThan(poolSize);
    }

    @Test
    void twoWritersAppendingAtTheSameVersionOneFailsCleanly() {
        String stream = "race-" + UUID.randomUUID();
        Uni<List<StoredEvent>> first = store.append(stream, 0, List.of(event("a")));
        Uni<List<StoredEvent>> second = store.append(stream, 0, List.of(event("b")));

        var outcomes = Uni.join().all(first.map(ok -> "ok").onFailure().recoverWithItem(e -> e.getClass().getSimpleName()),
                second.map(ok -> "ok").onFailure().recoverWithItem(e -> e.getClass().getSimpleName()))
                .andFailFast().await().atMost(WAIT);

        assertThat(outcomes).containsExactlyInAnyOrder("ok", ConcurrentAppendException.class.getSimpleName());
        assertThat(stream(stream)).hasSize(1);
        assertThat(store.append(stream, 1, List.of(event("c"))).await().atMost(WAIT)).extracting(StoredEvent::version)
                .containsExactly(2);
    }

    @Test
    void allEventsAreReadInPagesByGlobalPosition() {
        String stream = "pages-" + UUID.randomUUID();
        store.append(stream, 0, List.of(event("1"), event("2"), event("3"), event("4"), event("5"))).await().atMost(WAIT);
        StoredEvent first = stream(stream).get(0);
        GlobalPosition before = new GlobalPosition(first.transactionId(), first.position() - 1);

        List<StoredEvent> page1 = store.readAll(before, 2).await().atMost(WAIT);
        List<StoredEvent> page2 = store.readAll(page1.get(1).global(), 2).await().atMost(WAIT);

        assertThat(page1).extracting(StoredEvent::version).containsExactly(1, 2);
        assertThat(page2).extracting(StoredEvent::version).containsExactly(3, 4);
    }

    @Test
    void aRedeliveredEventIsRecordedOnce() {
        // An outcome nobody in eventual consumes: only the store takes it, twice, as a redelivery would bring it.
        String orderId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        Metrics before = Metrics.scrape();
        try (RawAmqp amqp = new RawAmqp()) {
            for (int i = 0; i < 2; i++) {
                amqp.send("order.completed", Map.of("cloudEvents:specversion", "1.0", "cloudEvents:id", eventId,
                        "cloudEvents:source", "/eventual/saga", "cloudEvents:type", "order.completed", "cloudEvents:subject",
                        orderId), "application/json",
                        "{\"orderId\":\"%s\",\"customerId\":\"c\",\"total\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}"
                                .formatted(orderId));
            }
        }
        await().atMost(WAIT).until(() -> Metrics.scrape().since(before, "eventual_events_duplicates_total",
                Map.of("function", "store", "type", "order.completed")) == 1);
        assertThat(Db.owner().count("select count(*) from event_store where event_id = $1", eventId)).isEqualTo(1);
    }

    @Test
    void stateFromTheLatestSnapshotPlusTailEqualsTheFullFold() {
        String orderId = place(order("mona", "BR", item("SKU-2", 1, "2.00")));
        awaitStatus(orderId, "CANCELLED");
        await().atMost(WAIT).until(() -> Db.owner().count(
                "select count(*) from event_snapshot where stream_id = $1", orderId) >= 3);
        // the saga ended; the store records its last events a moment later
        await().atMost(WAIT).until(() -> "CANCELLED".equals(store.loadFromStart(orderId, fold).await().atMost(WAIT).status()));

        var fromSnapshot = store.load(orderId, fold).await().atMost(WAIT);
        var fromStart = store.loadFromStart(orderId, fold).await().atMost(WAIT);

        assertThat(fromSnapshot).isEqualTo(fromStart);
        assertThat(fromSnapshot.status()).isEqualTo("CANCELLED");

        // A planted snapshot shows that loading starts from the latest one, not from the first event.
        Db.owner().execute("update event_snapshot set state = replace(state, '\"mona\"', '\"planted\"') where stream_id = $1 "
                + "and version = (select max(version) from event_snapshot where stream_id = $1)", orderId);
        assertThat(store.load(orderId, fold).await().atMost(WAIT).customerId()).isEqualTo("planted");
        assertThat(store.loadFromStart(orderId, fold).await().atMost(WAIT).customerId()).isEqualTo("mona");
    }

    private List<StoredEvent> stream(String id) {
        return store.readStream(id, 0).await().atMost(WAIT);
    }

    private static NewEvent event(String data) {
        String id = UUID.randomUUID().toString();
        return new NewEvent(id, "test.happened", 1, "/test", Instant.now(), id, null, "{\"n\":\"" + data + "\"}");
    }
}
