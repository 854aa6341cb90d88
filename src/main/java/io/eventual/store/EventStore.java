package io.eventual.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.messaging.ProcessedEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Append-only event store in PostgreSQL, without a global lock: appends to different streams never wait for each other.
 * A stream's version is one row ({@code event_stream}) that every append moves under its row lock, so two writers of one
 * stream cannot both win (optimistic concurrency). Rows live in monthly partitions ({@link Partitions}). Positions are
 * handed out before commit and may become visible out of order, so readers follow {@link GlobalPosition} (transaction
 * id, position) and stop at the oldest transaction still running: every transaction below it has ended, and every
 * later writer gets a higher id, so nothing can appear behind a reader (the approach of Emmett's PostgreSQL store).
 */
@ApplicationScoped
public class EventStore {

    /** Only rows of transactions that ended before every one still running: none can appear below them later. */
    static final String VISIBLE = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
    private static final String INSERT = "insert into event_store (stream_id, version, event_id, type, schema_version, source, "
            + "time, correlation_id, causation_id, data) ";

    private final Pool pool;
    private final ObjectMapper mapper;

    EventStore(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /** One event to record at the end of its stream. */
    public record Recording(String streamId, NewEvent event) {
    }

    /**
     * Appends {@code events} to {@code streamId}, which must be at {@code expectedVersion} (0 for a new stream);
     * fails with {@link ConcurrentAppendException} otherwise.
     */
    public Uni<List<StoredEvent>> append(String streamId, int expectedVersion, List<NewEvent> events) {
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            rows.add(Tuple.from(new Object[] { streamId, expectedVersion + i + 1, e.eventId(), e.type(), e.schemaVersion(),
                    e.source(), e.time().atOffset(ZoneOffset.UTC), e.correlationId(), e.causationId(), e.data() }));
        }
        // The stream's head moves only from the expected version; its row lock holds a racing writer until this commits,
        // which then finds the head moved.
        int version = expectedVersion + events.size();
        return pool.withTransaction(conn -> (expectedVersion == 0
                ? conn.preparedQuery("insert into event_stream (stream_id, version) values ($1, $2) on conflict do nothing")
                        .execute(Tuple.of(streamId, version))
                : conn.preparedQuery("update event_stream set version = $3, updated_at = now() where stream_id = $1 and version = $2")
                        .execute(Tuple.of(streamId, expectedVersion, version)))
                .chain(moved -> moved.rowCount() == 1 ? conn.preparedQuery(INSERT + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                        + "returning " + StoredEvent.COLUMNS).executeBatch(rows).map(EventStore::allBatches)
                        : Uni.createFrom().failure(new StaleVersion())))
                .onFailure(StaleVersion.class::isInstance)
                .recoverWithUni(e -> version(streamId).chain(actual -> Uni.createFrom().failure(
                        new ConcurrentAppendException(streamId, expectedVersion, actual))));
    }

    private static final class StaleVersion extends RuntimeException {
        StaleVersion() {
            super(null, null, false, false);
        }
    }

    /**
     * Records {@code recordings} in one statement and one transaction, each at the end of its stream, in the order
     * given; an event stored already (its source and id), or given twice, is skipped. Returns what was stored.
     */
    public Uni<List<StoredEvent>> record(List<Recording> recordings) {
        int n = recordings.size();
        String[] streams = new String[n], ids = new String[n], types = new String[n], sources = new String[n],
                correlations = new String[n], causations = new String[n], data = new String[n];
        Integer[] versions = new Integer[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            NewEvent e = recordings.get(i).event();
            streams[i] = recordings.get(i).streamId();
            ids[i] = e.eventId();
            types[i] = e.type();
            versions[i] = e.schemaVersion();
            sources[i] = e.source();
            times[i] = e.time().atOffset(ZoneOffset.UTC);
            correlations[i] = e.correlationId();
            causations[i] = e.causationId();
            data[i] = e.data();
        }
        // Each stream's head row is bumped once per batch, in stream order (two batches never wait on each other in a
        // circle), and its lock holds other appends to that stream until this one commits.
        return pool.preparedQuery("""
                with input as (
                    select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[],
                                         $7::text[], $8::text[], $9::text[])
                        with ordinality as t(stream_id, event_id, type, schema_version, source, time, correlation_id,
                                             causation_id, data, n)),
                firsts as (select distinct on (event_id, source) * from input order by event_id, source, n),
                marked as (""" + ProcessedEvents.MARK_ALL + """
                    select 'store', event_id, source, 1 from firsts on conflict do nothing returning event_id, source),
                fresh as (select f.* from firsts f join marked m using (event_id, source)),
                counts as (select stream_id, count(*)::int as added from fresh group by stream_id),
                heads as (
                    insert into event_stream (stream_id, version) select stream_id, added from counts order by stream_id
                    on conflict (stream_id) do update set version = event_stream.version + excluded.version, updated_at = now()
                    returning stream_id, version),
                numbered as (
                    select f.*, h.version - c.added + row_number() over (partition by f.stream_id order by f.n) as version
                    from fresh f join counts c using (stream_id) join heads h using (stream_id))
                """ + INSERT + """
                select stream_id, version, event_id, type, schema_version, source, time, correlation_id, causation_id, data
                from numbered order by n
                returning """ + " " + StoredEvent.COLUMNS)
                .execute(Tuple.from(new Object[] { streams, ids, types, versions, sources, times, correlations, causations, data }))
                .map(EventStore::events);
    }

    /** The stream's events with a version above {@code afterVersion}, in order. */
    public Uni<List<StoredEvent>> readStream(String streamId, int afterVersion) {
        return pool.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store where stream_id = $1 and version > $2 "
                + "order by version").execute(Tuple.of(streamId, afterVersion)).map(EventStore::events);
    }

    /** Up to {@code limit} events after {@code after} in global order, never skipping one that commits later. */
    public Uni<List<StoredEvent>> readAll(GlobalPosition after, int limit) {
        return readAll(pool, after, limit);
    }

    /** {@link #readAll(GlobalPosition, int)} on a given connection (a projector's transaction). */
    public static Uni<List<StoredEvent>> readAll(SqlClient client, GlobalPosition after, int limit) {
        return client.preparedQuery("select " + StoredEvent.COLUMNS + " from event_store where (transaction_id, position) > ($1, $2) "
                + "and " + VISIBLE + " order by transaction_id, position limit $3")
                .execute(Tuple.of(after.transactionId(), after.position(), limit)).map(EventStore::events);
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

    private Uni<Integer> version(String streamId) {
        return pool.preparedQuery("select coalesce((select version from event_stream where stream_id = $1), 0) as version")
                .execute(Tuple.of(streamId)).map(rows -> rows.iterator().next().getInteger("version"));
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
