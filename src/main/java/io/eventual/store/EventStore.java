package io.eventual.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Append-only event store in PostgreSQL. Appends are serialised by a transaction-scoped advisory lock, so global
 * positions become visible in order and a reader that follows positions never skips an event; each stream's version
 * is checked against what the writer expected (optimistic concurrency).
 */
@ApplicationScoped
public class EventStore {

    private static final long APPEND_LOCK = 0x73746f7265L; // "store"

    private final Pool pool;
    private final ObjectMapper mapper;

    EventStore(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /**
     * Appends {@code events} to {@code streamId}, which must be at {@code expectedVersion} (0 for a new stream);
     * fails with {@link ConcurrentAppendException} otherwise.
     */
    public Uni<List<StoredEvent>> append(String streamId, int expectedVersion, List<NewEvent> events) {
        return pool.withTransaction(conn -> lock(conn).chain(() -> version(conn, streamId)).chain(actual -> {
            if (actual != expectedVersion) {
                return Uni.createFrom().failure(new ConcurrentAppendException(streamId, expectedVersion, actual));
            }
            return insert(conn, streamId, expectedVersion, events);
        }));
    }

    /** Appends one event at the end of its stream unless an event with its id is stored already; empty if it was. */
    public Uni<List<StoredEvent>> record(String streamId, NewEvent event) {
        return pool.withTransaction(conn -> lock(conn)
                .chain(() -> conn.preparedQuery("select 1 from event_store where event_id = $1").execute(Tuple.of(event.eventId())))
                .chain(found -> found.size() > 0
                        ? Uni.createFrom().item(List.<StoredEvent> of())
                        : version(conn, streamId).chain(version -> insert(conn, streamId, version, List.of(event)))));
    }

    /** The stream's events with a version above {@code afterVersion}, in order. */
    public Uni<List<StoredEvent>> readStream(String streamId, int afterVersion) {
        return pool.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store where stream_id = $1 and version > $2 "
                + "order by version").execute(Tuple.of(streamId, afterVersion)).map(EventStore::events);
    }

    /** Up to {@code limit} events after global position {@code afterPosition}, in order. */
    public Uni<List<StoredEvent>> readAll(long afterPosition, int limit) {
        return pool.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store where position > $1 "
                + "order by position limit $2").execute(Tuple.of(afterPosition, limit)).map(EventStore::events);
    }

    /** Folds a stream, starting from its latest snapshot when there is one. */
    public <S> Uni<S> load(String streamId, StreamFold<S> fold) {
        return load(streamId, fold, Integer.MAX_VALUE);
    }

    /** Folds a stream up to {@code upToVersion}, starting from the latest snapshot at or below it. */
    public <S> Uni<S> load(String streamId, StreamFold<S> fold, int upToVersion) {
        return pool.preparedQuery("select version, state from event_snapshot where stream_id = $1 and version <= $2 "
                + "order by version desc limit 1")
                .execute(Tuple.of(streamId, upToVersion)).chain(rows -> {
                    S state = fold.initial(streamId);
                    int version = 0;
                    if (rows.iterator().hasNext()) {
                        Row row = rows.iterator().next();
                        version = row.getInteger("version");
                        state = read(row.getString("state"), fold.stateType());
                    }
                    S start = state;
                    return readStream(streamId, version).map(tail -> fold(fold, start, tail, upToVersion));
                });
    }

    /** Folds a stream from its first event, ignoring snapshots. */
    public <S> Uni<S> loadFromStart(String streamId, StreamFold<S> fold) {
        return readStream(streamId, 0).map(events -> fold(fold, fold.initial(streamId), events, Integer.MAX_VALUE));
    }

    private static <S> S fold(StreamFold<S> fold, S state, List<StoredEvent> events, int upToVersion) {
        S folded = state;
        for (StoredEvent event : events) {
            if (event.version() <= upToVersion) {
                folded = fold.apply(folded, event);
            }
        }
        return folded;
    }

    /** Stores the state of {@code streamId} as of {@code version}. */
    public <S> Uni<Void> snapshot(String streamId, int version, S state) {
        return pool.preparedQuery("insert into event_snapshot (stream_id, version, state) values ($1, $2, $3) "
                + "on conflict do nothing").execute(Tuple.of(streamId, version, write(state))).replaceWithVoid();
    }

    private static Uni<Void> lock(SqlConnection conn) {
        return conn.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(APPEND_LOCK)).replaceWithVoid();
    }

    private static Uni<Integer> version(SqlConnection conn, String streamId) {
        return conn.preparedQuery("select coalesce(max(version), 0) as version from event_store where stream_id = $1")
                .execute(Tuple.of(streamId)).map(rows -> rows.iterator().next().getInteger("version"));
    }

    private static Uni<List<StoredEvent>> insert(SqlConnection conn, String streamId, int after, List<NewEvent> events) {
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            rows.add(Tuple.from(new Object[] { streamId, after + i + 1, e.eventId(), e.type(), e.schemaVersion(), e.source(),
                    e.time().atOffset(java.time.ZoneOffset.UTC), e.correlationId(), e.causationId(), e.data() }));
        }
        return conn.preparedQuery("insert into event_store (stream_id, version, event_id, type, schema_version, source, "
                + "time, correlation_id, causation_id, data) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning "
                + StoredEvent.COLUMNS).executeBatch(rows).map(EventStore::allBatches);
    }

    private static List<StoredEvent> allBatches(RowSet<Row> rows) {
        List<StoredEvent> events = new ArrayList<>();
        for (RowSet<Row> set = rows; set != null; set = set.next()) {
            set.forEach(row -> events.add(StoredEvent.of(row)));
        }
        return events;
    }

    private static List<StoredEvent> events(RowSet<Row> rows) {
        List<StoredEvent> events = new ArrayList<>();
        rows.forEach(row -> events.add(StoredEvent.of(row)));
        return events;
    }

    private <S> S read(String json, Class<S> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt snapshot", e);
        }
    }

    private String write(Object state) {
        try {
            return mapper.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
