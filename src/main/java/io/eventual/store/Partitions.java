package io.eventual.store;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import io.eventual.messaging.Loops;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The event store's months: creates each month's partition ahead of time, and lets whole months older than the
 * retention leave by dropping their partition, after writing them to an archive file when one is configured. Streams
 * whose every event left lose their head and snapshots with them. The DDL runs in functions the migration owner
 * defines (V14), so the store's role needs no ownership.
 */
@ApplicationScoped
public class Partitions {

    private static final Logger LOG = Logger.getLogger(Partitions.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'event_store_'yyyy_MM");
    private static final int MONTHS_AHEAD = 2;
    private static final int PAGE = 1000;

    private final Pool pool;
    private final ObjectMapper mapper;

    Partitions(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /** A month that left the store: its partition and how many events it held. */
    public record Dropped(String partition, long events) {
    }

    /**
     * Creates the partitions of this month and the next {@value #MONTHS_AHEAD} (and of months with rows in the default
     * partition), then drops, oldest first, every month before the last {@code keepMonths} (0 keeps all), archived to
     * {@code archive} first when given; {@code dropped} hears of each as it goes.
     */
    public Uni<List<Dropped>> maintain(int keepMonths, Optional<Path> archive, Consumer<Dropped> dropped) {
        Uni<Void> prepared = pool.preparedQuery("select eventual_event_store_partitions($1)").execute(Tuple.of(MONTHS_AHEAD))
                .replaceWithVoid();
        if (keepMonths <= 0) {
            return prepared.replaceWith(List.of());
        }
        YearMonth oldestKept = YearMonth.now(ZoneOffset.UTC).minusMonths(keepMonths - 1L);
        return prepared.chain(() -> expired(oldestKept)).chain(months -> {
            List<Dropped> done = new ArrayList<>();
            Uni<Void> all = Uni.createFrom().voidItem();
            for (YearMonth month : months) {
                all = all.chain(() -> drop(month, archive).invoke(d -> {
                    done.add(d);
                    dropped.accept(d);
                })).replaceWithVoid();
            }
            // Only once every older month is gone: a head left behind would otherwise restart its stream's versions.
            return all.chain(() -> forgetStreams(oldestKept)).replaceWith(done);
        });
    }

    private Uni<List<YearMonth>> expired(YearMonth oldestKept) {
        return pool.query("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = 'event_store'::regclass and c.relname ~ '^event_store_[0-9]{4}_[0-9]{2}$'")
                .execute().map(rows -> {
                    List<YearMonth> months = new ArrayList<>();
                    for (Row row : rows) {
                        YearMonth month = YearMonth.parse(row.getString("relname"), NAME);
                        if (month.isBefore(oldestKept)) {
                            months.add(month);
                        }
                    }
                    months.sort(null);
                    return months;
                });
    }

    private Uni<Dropped> drop(YearMonth month, Optional<Path> archive) {
        String partition = month.format(NAME);
        Uni<Long> events = archive.isPresent() ? archive(month, archive.get().resolve(partition + ".jsonl.gz"))
                : pool.preparedQuery("select count(*) as events from event_store where recorded_at >= $1 and recorded_at < $2")
                        .execute(bounds(month)).map(rows -> rows.iterator().next().getLong("events"));
        return events.chain(n -> pool.preparedQuery("select eventual_event_store_drop($1)").execute(Tuple.of(partition))
                .invoke(() -> LOG.infof("event store: dropped %s (%d events%s)", partition, n,
                        archive.map(dir -> ", archived to " + dir.resolve(partition + ".jsonl.gz")).orElse("")))
                .replaceWith(new Dropped(partition, n)));
    }

    /**
     * Writes the month's events, in position order, as CloudEvents JSON (one per line, gzip) next to the file and moves
     * it in place once complete and on disk: a file under its final name is always whole.
     */
    private Uni<Long> archive(YearMonth month, Path file) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        return Uni.createFrom().item(() -> open(partial)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(out -> pages(month, out)
                        .chain(n -> Uni.createFrom().item(() -> {
                            close(out);
                            move(partial, file);
                            return n;
                        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .onFailure().invoke(() -> quietly(out)));
    }

    /** Writes the month's events page by page, in position order; how many it wrote. */
    private Uni<Long> pages(YearMonth month, Archive out) {
        record Written(long after, long events, boolean more) {
        }
        Tuple bounds = bounds(month);
        return Loops.until(new Written(0, 0, true), done -> pool.preparedQuery("select " + StoredEvent.COLUMNS
                + " from event_store where recorded_at >= $1 and recorded_at < $2 and position > $3 order by position limit $4")
                .execute(Tuple.of(bounds.getValue(0), bounds.getValue(1), done.after(), PAGE))
                .chain(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(StoredEvent.of(row)));
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(new Written(done.after(), done.events(), false));
                    }
                    return Uni.createFrom().item(() -> {
                        events.forEach(e -> out.write(line(e)));
                        return new Written(events.get(events.size() - 1).position(), done.events() + events.size(),
                                events.size() == PAGE);
                    }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                }), done -> !done.more()).map(Written::events);
    }

    /** An event as CloudEvents JSON, with where it sat in the store as extensions. */
    private byte[] line(StoredEvent e) {
        ObjectNode event = mapper.createObjectNode().put("specversion", "1.0").put("id", e.eventId()).put("source", e.source())
                .put("type", e.type()).put("subject", e.streamId()).put("time", e.time().toString())
                .put("datacontenttype", "application/json").put("schemaversion", e.schemaVersion())
                .put("correlationid", e.correlationId()).put("storeposition", e.position())
                .put("streamversion", e.version()).put("recordedat", e.recordedAt().toString());
        if (e.causationId() != null) {
            event.put("causationid", e.causationId());
        }
        // The data as it was published, byte for byte (no reparsed numbers); a body that is not JSON as a string.
        try {
            mapper.readTree(e.data());
            event.putRawValue("data", new RawValue(e.data()));
        } catch (IOException notJson) {
            event.put("data", e.data());
        }
        try {
            return (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** Forgets the streams whose last event is older than every month kept, and their snapshots. */
    private Uni<Void> forgetStreams(YearMonth oldestKept) {
        long batch = PAGE * 5L;
        return Loops.until(batch, forgotten -> pool.preparedQuery("""
                with gone as (delete from event_stream where ctid = any(array(
                        select ctid from event_stream where updated_at < $1 limit $2)) returning stream_id),
                     snapshots as (delete from event_snapshot s using gone where s.stream_id = gone.stream_id)
                select count(*) as streams from gone""")
                .execute(Tuple.of(start(oldestKept), batch)).map(rows -> rows.iterator().next().getLong("streams")),
                forgotten -> forgotten < batch).replaceWithVoid();
    }

    private static Tuple bounds(YearMonth month) {
        return Tuple.of(start(month), start(month.plusMonths(1)));
    }

    private static java.time.OffsetDateTime start(YearMonth month) {
        return LocalDateTime.of(month.getYear(), month.getMonth(), 1, 0, 0).atOffset(ZoneOffset.UTC);
    }

    /** An archive file being written. */
    private record Archive(FileOutputStream file, OutputStream out) {
        void write(byte[] line) {
            try {
                out.write(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Archive open(Path partial) {
        try {
            Files.createDirectories(partial.getParent());
            FileOutputStream file = new FileOutputStream(partial.toFile());
            return new Archive(file, new GZIPOutputStream(new BufferedOutputStream(file, 1 << 16)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(Archive archive) {
        try {
            ((GZIPOutputStream) archive.out()).finish();
            archive.out().flush();
            archive.file().getChannel().force(true);
            archive.out().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void quietly(Archive archive) {
        try {
            archive.out().close();
        } catch (IOException ignored) {
            // the partial file is rewritten by the next attempt
        }
    }

    /** Renames {@code from} to {@code to} and syncs their directory, so that the new name survives a power cut too. */
    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(to.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
