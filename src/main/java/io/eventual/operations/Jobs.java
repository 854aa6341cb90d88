package io.eventual.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.eventual.messaging.Loops;
import io.smallrye.mutiny.Uni;

/**
 * Admin operations over many messages (a failure group's redrive or discard, a replay) run in the background of the
 * process that accepted them, at a capped rate so that a burst does not swamp the consumers, with their progress kept
 * in memory (the last {@value #KEPT}). A process that stops stops its jobs; what they had not done is still where it
 * was (dead letters, recorded events) and can be started again.
 */
@ApplicationScoped
public class Jobs {

    static final int KEPT = 100;
    private static final Logger LOG = Logger.getLogger(Jobs.class);

    public enum State {
        RUNNING,
        DONE,
        FAILED
    }

    /** A job as a reader sees it: how many items it has done so far (of {@code total}, when known), its error if it failed. */
    public record Progress(String id, String kind, Object request, int rate, Long total, State state, long done,
            String error, Instant startedAt, Instant endedAt) {
    }

    /** One round of a job: does up to {@code max} items and answers how many it did; none ends the job. */
    public interface Step {
        Uni<Integer> next(int max);
    }

    private final Map<String, Progress> jobs = new ConcurrentHashMap<>();

    /** Starts {@code step} in rounds of at most a tenth of a second's worth of {@code rate} items per second. */
    public Progress start(String kind, Object request, int rate, Long total, Step step) {
        Progress started = new Progress(UUID.randomUUID().toString(), kind, request, rate, total, State.RUNNING, 0, null,
                Instant.now(), null);
        forgetOld();
        jobs.put(started.id(), started);
        int round = Math.max(1, rate / 10);
        AtomicLong done = new AtomicLong();
        Loops.until(Integer.MAX_VALUE, ignored -> {
            long begun = System.nanoTime();
            return step.next(round).call(did -> {
                update(started.id(), done.addAndGet(did), State.RUNNING, null);
                Duration owed = Duration.ofNanos(did * 1_000_000_000L / rate - (System.nanoTime() - begun));
                return owed.isNegative() || did == 0 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().voidItem().onItem().delayIt().by(owed);
            });
        }, did -> did == 0).subscribe().with(
                finished -> update(started.id(), done.get(), State.DONE, null),
                error -> {
                    LOG.warnf(error, "%s %s failed after %d item(s)", kind, started.id(), done.get());
                    update(started.id(), done.get(), State.FAILED, String.valueOf(error));
                });
        return started;
    }

    public Optional<Progress> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private void update(String id, long done, State state, String error) {
        jobs.computeIfPresent(id, (key, p) -> new Progress(id, p.kind(), p.request(), p.rate(), p.total(), state, done,
                error, p.startedAt(), state == State.RUNNING ? null : Instant.now()));
    }

    private void forgetOld() {
        if (jobs.size() >= KEPT) {
            jobs.values().stream().filter(p -> p.state() != State.RUNNING)
                    .min(java.util.Comparator.comparing(Progress::startedAt)).ifPresent(p -> jobs.remove(p.id()));
        }
    }
}
