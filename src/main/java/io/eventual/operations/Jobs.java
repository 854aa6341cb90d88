package io.eventual.operations;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventual.messaging.EventualConfig;
import io.eventual.messaging.Loops;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Admin operations over many messages (a failure group's redrive or discard, a replay) run in the background at a
 * capped rate, so that a burst does not swamp the consumers. Each is a row of {@code admin_job}, which any replica
 * reads: its progress, the run that owns it, and where it stands. The run renews the row after every round; when its
 * process stops, another that serves the admin API takes the job over once its row is older than
 * {@code eventual.jobs.lease} and goes on from where it stood (the round in progress is done again: each kind of job
 * makes that harmless). A run that finds its job taken over stops.
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

    /**
     * One kind of job: how to go on with one from where it stands. The position is kept as JSON after every round, and
     * a job runs from its recorded position from the start, so the path a take-over takes is the one every job takes.
     */
    public interface Kind<P> {
        String name();

        Class<P> positionType();

        Work resume(P position);

        static <P> Kind<P> of(String name, Class<P> positionType, Function<P, Work> resume) {
            return new Kind<>() {
                public String name() {
                    return name;
                }

                public Class<P> positionType() {
                    return positionType;
                }

                public Work resume(P position) {
                    return resume.apply(position);
                }
            };
        }
    }

    /** A job's work: rounds of up to {@code max} items, answering how many were done (none ends the job). */
    public interface Work {
        Uni<Integer> next(int max);

        /** Where the work stands after the last round, as its kind resumes from it. */
        Object position();

        static Work of(Function<Integer, Uni<Integer>> next, Supplier<Object> position) {
            return new Work() {
                public Uni<Integer> next(int max) {
                    return next.apply(max);
                }

                public Object position() {
                    return position.get();
                }
            };
        }
    }

    /** Thrown when another run took the job over: this one stops without recording anything. */
    private static final class TakenOver extends RuntimeException {
        TakenOver(String id) {
            super("job " + id + " was taken over by another run: this one did not renew it within eventual.jobs.lease",
                    null, false, false);
        }
    }

    private final Pool pool;
    private final ObjectMapper mapper;
    private final Map<String, Kind<?>> kinds;
    private final Vertx vertx;
    private final Duration lease;
    private long timer = -1;

    Jobs(Pool pool, ObjectMapper mapper, @Any Instance<Kind<?>> kinds, Vertx vertx, JobsConfig config) {
        this.pool = pool;
        this.mapper = mapper;
        this.kinds = kinds.stream().collect(Collectors.toMap(Kind::name, kind -> kind));
        this.vertx = vertx;
        this.lease = config.lease();
    }

    /** Only the trigger's processes (those that run the store) serve the admin API and may write jobs: they take them over. */
    void start(@Observes StartupEvent ignored, EventualConfig messaging) {
        if (messaging.functions().contains("store")) {
            timer = vertx.setPeriodic(Math.max(1, lease.toMillis() / 2), t -> takeOver());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        vertx.cancelTimer(timer);
    }

    /**
     * Records a job of {@code kind}, starting at {@code position}, and runs it in rounds of at most a tenth of a
     * second's worth of {@code rate} items per second; answers the job as recorded.
     */
    public Uni<Progress> start(String kind, Object request, int rate, Long total, Object position) {
        String id = UUID.randomUUID().toString();
        String from = json(position);
        return pool.preparedQuery("insert into admin_job (id, kind, request, rate, total, state, owner, position) values "
                + "($1::uuid, $2, $3, $4, $5, 'RUNNING', gen_random_uuid()::text, $6) returning " + COLUMNS + ", owner")
                .execute(Tuple.from(new Object[] { id, kind, json(request), rate, total, from }))
                .map(rows -> rows.iterator().next())
                .invoke(row -> run(progress(row), row.getString("owner"), resume(kinds.get(kind), from)))
                .map(this::progress);
    }

    /** Claims the jobs whose process stopped reporting and goes on with each from where it stood. */
    private void takeOver() {
        // Each run owns its job by a token of its own: a run of this process that was too slow to renew loses it too.
        pool.preparedQuery("update admin_job set owner = gen_random_uuid()::text, updated_at = now() where state = 'RUNNING' "
                + "and updated_at < now() - make_interval(secs => $1) returning " + COLUMNS + ", owner, position")
                .execute(Tuple.of(lease.toMillis() / 1000.0))
                .subscribe().with(rows -> rows.forEach(this::goOn), error -> LOG.debugf(error, "taking jobs over: will try again"));
    }

    private void goOn(Row row) {
        Progress job = progress(row);
        String owner = row.getString("owner");
        String position = row.getString("position");
        Kind<?> kind = kinds.get(job.kind());
        Work work;
        try {
            if (kind == null || position == null) {
                throw new IllegalStateException("no " + job.kind() + " job can go on here from " + position);
            }
            work = resume(kind, position);
        } catch (IllegalStateException e) {
            // Started by a build that could not hand it over, or that knew kinds this one does not.
            report(job.id(), owner, job.done(), State.FAILED, "its process stopped and it cannot be taken over: start it "
                    + "again (" + e.getMessage() + ")", null).subscribe().with(ok -> {
                    }, error -> LOG.warnf(error, "job %s could not be ended", job.id()));
            return;
        }
        LOG.infof("%s %s: taken over from a process that stopped reporting; going on from %s", job.kind(), job.id(), position);
        run(job, owner, work);
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

    private <P> Work resume(Kind<P> kind, String position) {
        try {
            return kind.resume(mapper.readValue(position, kind.positionType()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + kind.name() + " job holds a position it cannot read: " + position, e);
        }
    }

    private void run(Progress job, String owner, Work work) {
        int round = Math.max(1, job.rate() / 10);
        AtomicLong done = new AtomicLong(job.done());
        Loops.until(Integer.MAX_VALUE, ignored -> {
            long begun = System.nanoTime();
            return work.next(round).call(did -> {
                Duration owed = Duration.ofNanos(did * 1_000_000_000L / job.rate() - (System.nanoTime() - begun));
                Uni<Void> reported = report(job.id(), owner, done.addAndGet(did), State.RUNNING, null, work.position());
                // Timers take whole milliseconds: less than one owed is not worth a wait.
                return owed.toMillis() < 1 || did == 0 ? reported : reported.onItem().delayIt().by(owed);
            });
        }, did -> did == 0).call(finished -> report(job.id(), owner, done.get(), State.DONE, null, work.position()))
                .onFailure(error -> !(error instanceof TakenOver)).recoverWithUni(error -> {
                    LOG.warnf(error, "%s %s failed after %d item(s)", job.kind(), job.id(), done.get());
                    return report(job.id(), owner, done.get(), State.FAILED, String.valueOf(error), work.position()).replaceWith(0);
                })
                .subscribe().with(finished -> {
                }, error -> {
                    if (error instanceof TakenOver) {
                        LOG.infof("%s %s: %s", job.kind(), job.id(), error.getMessage());
                    } else {
                        LOG.warnf(error, "%s %s: its progress could not be recorded", job.kind(), job.id());
                    }
                });
    }

    /** Records the job's progress if the run still owns it; fails with {@link TakenOver} if not. */
    private Uni<Void> report(String id, String owner, long done, State state, String error, Object position) {
        return pool.preparedQuery("update admin_job set done = $2, state = $3, error = $4, position = coalesce($6, position), "
                + "updated_at = now(), ended_at = case when $3 = 'RUNNING' then null else now() end "
                + "where id = $1::uuid and owner = $5")
                .execute(Tuple.from(new Object[] { id, done, state.name(), error, owner,
                        position == null ? null : json(position) }))
                .invoke(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new TakenOver(id);
                    }
                }).replaceWithVoid();
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

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
