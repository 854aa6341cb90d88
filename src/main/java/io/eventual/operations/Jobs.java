package io.eventual.operations;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.messaging.Loops;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Admin operations over many messages (a failure group's redrive or discard, a replay) run in the background of the
 * process that accepted them, at a capped rate so that a burst does not swamp the consumers. Their progress is a row
 * of {@code admin_job}, updated after every round, which any replica can read. A process that stops stops its jobs
 * (their rows stay RUNNING, no longer updated); what they had not done is still where it was (dead letters, recorded
 * events) and can be started again.
 */
@ApplicationScoped
public class Jobs {

    private static final Logger LOG = Logger.getLogger(Jobs.class);
    private static final String COLUMNS = "id, kind, request, rate, total, state, done, error, started_at, updated_at, ended_at";

    public enum State {
        RUNNING,
        DONE,
        FAILED
    }

    /**
     * A job as a reader sees it: how many items it has done so far (of {@code total}, when known), its error if it
     * failed, and when its process last reported.
     */
    public record Progress(String id, String kind, JsonNode request, int rate, Long total, State state, long done,
            String error, Instant startedAt, Instant updatedAt, Instant endedAt) {
    }

    /** One round of a job: does up to {@code max} items and answers how many it did; none ends the job. */
    public interface Step {
        Uni<Integer> next(int max);
    }

    private final Pool pool;
    private final ObjectMapper mapper;

    Jobs(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /**
     * Records the job and starts {@code step} in rounds of at most a tenth of a second's worth of {@code rate} items per
     * second; answers the job as recorded.
     */
    public Uni<Progress> start(String kind, Object request, int rate, Long total, Step step) {
        String id = UUID.randomUUID().toString();
        return pool.preparedQuery("insert into admin_job (id, kind, request, rate, total, state) values ($1::uuid, $2, $3, $4, $5, "
                + "'RUNNING') returning " + COLUMNS).execute(Tuple.of(id, kind, json(request), rate, total))
                .map(rows -> progress(rows.iterator().next()))
                .invoke(started -> run(started, step));
    }

    public Uni<Optional<Progress>> find(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException notAJob) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("select " + COLUMNS + " from admin_job where id = $1::uuid").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(progress(rows.iterator().next())) : Optional.empty());
    }

    private void run(Progress job, Step step) {
        int round = Math.max(1, job.rate() / 10);
        AtomicLong done = new AtomicLong();
        Loops.until(Integer.MAX_VALUE, ignored -> {
            long begun = System.nanoTime();
            return step.next(round).call(did -> {
                Duration owed = Duration.ofNanos(did * 1_000_000_000L / job.rate() - (System.nanoTime() - begun));
                Uni<Void> reported = report(job.id(), done.addAndGet(did), State.RUNNING, null);
                // Timers take whole milliseconds: less than one owed is not worth a wait.
                return owed.toMillis() < 1 || did == 0 ? reported : reported.onItem().delayIt().by(owed);
            });
        }, did -> did == 0).call(finished -> report(job.id(), done.get(), State.DONE, null))
                .onFailure().recoverWithUni(error -> {
                    LOG.warnf(error, "%s %s failed after %d item(s)", job.kind(), job.id(), done.get());
                    return report(job.id(), done.get(), State.FAILED, String.valueOf(error)).replaceWith(0);
                })
                .subscribe().with(finished -> {
                }, error -> LOG.warnf(error, "%s %s: its progress could not be recorded", job.kind(), job.id()));
    }

    private Uni<Void> report(String id, long done, State state, String error) {
        return pool.preparedQuery("update admin_job set done = $2, state = $3, error = $4, updated_at = now(), "
                + "ended_at = case when $3 = 'RUNNING' then null else now() end where id = $1::uuid")
                .execute(Tuple.of(id, done, state.name(), error)).replaceWithVoid();
    }

    private Progress progress(Row row) {
        try {
            return new Progress(row.getUUID("id").toString(), row.getString("kind"), mapper.readTree(row.getString("request")),
                    row.getInteger("rate"), row.getLong("total"), State.valueOf(row.getString("state")), row.getLong("done"),
                    row.getString("error"), instant(row.getOffsetDateTime("started_at")),
                    instant(row.getOffsetDateTime("updated_at")), instant(row.getOffsetDateTime("ended_at")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin_job " + row.getUUID("id") + " holds a request that is not JSON", e);
        }
    }

    private String json(Object request) {
        try {
            return mapper.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
