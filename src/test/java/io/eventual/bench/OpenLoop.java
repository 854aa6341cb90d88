package io.eventual.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.eventual.testing.Operator;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Offers orders at a fixed rate whatever the system does (open loop): order i is due at start + i/rate, and its
 * latency runs from that due time to the moment its terminal event (order.completed or order.cancelled) reaches a
 * subscriber on the broker, so a backlog shows up in the figures instead of slowing the offered load down.
 */
final class OpenLoop implements AutoCloseable {

    static final List<String> SKUS = List.of("BENCH-1", "BENCH-2", "BENCH-3", "BENCH-4");
    static final int STOCK = 100_000_000;

    private final URI orders;
    private final String jdbcUrl;
    private final ProcessStats app;
    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "bench-http");
                thread.setDaemon(true);
                return thread;
            }))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Vertx vertx = Vertx.vertx();
    private final AmqpConnection connection;
    /** Order id → when its terminal event arrived (System.nanoTime) and which it was. */
    private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Instant wallBase = Instant.now();
    private final long nanoBase = System.nanoTime();
    private final java.util.Set<String> pending = ConcurrentHashMap.newKeySet();
    private int sequence;

    record Terminal(long nanos, String type) {
    }

    private record Sent(long dueNanos, String orderId, int status) {
    }

    OpenLoop(String url, String amqpHost, int amqpPort, String jdbcUrl, ProcessStats app) throws Exception {
        this.orders = URI.create(url + "/orders");
        this.jdbcUrl = jdbcUrl;
        this.app = app;
        AmqpClient client = AmqpClient.create(vertx, Operator.options(amqpHost, amqpPort));
        connection = client.connect().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (String type : List.of("order.completed", "order.cancelled")) {
            String queue = "bench-" + run + "." + type;
            connection.createReceiver(type + "::" + queue, new AmqpReceiverOptions().setDurable(true).setMaxBufferedMessages(1000))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .handler(message -> {
                        long now = System.nanoTime();
                        JsonObject properties = message.applicationProperties();
                        String subject = properties == null ? null : properties.getString("cloudEvents:subject");
                        if (subject != null) {
                            terminals.putIfAbsent(subject, new Terminal(now, type));
                        }
                    });
        }
    }

    /** Offers {@code rate} orders per second for {@code duration}, waits for them to end, and returns the figures. */
    Step run(String label, int rate, Duration duration, Duration drainLimit) throws Exception {
        awaitEnded(pending, drainLimit.multipliedBy(2));
        Counters before = counters();
        ProcessStats.Mark mark = app == null ? null : app.mark();
        int total = Math.max(1, (int) Math.round(rate * duration.toMillis() / 1000.0));
        long interval = 1_000_000_000L / rate;
        List<CompletableFuture<Sent>> sends = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sends.add(send(due));
        }
        double sentPerSecond = total / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        List<Sent> sent = new ArrayList<>();
        for (CompletableFuture<Sent> send : sends) {
            sent.add(send.get(60, TimeUnit.SECONDS));
        }
        List<Sent> accepted = sent.stream().filter(s -> s.status() == 202).toList();
        accepted.forEach(s -> pending.add(s.orderId()));
        awaitEnded(pending, drainLimit);
        ProcessStats.Usage usage = app == null ? null : app.since(mark);
        awaitRecorded();
        Counters after = counters();
        Map<String, Double> transactionsBy = transactionsBy(before, after, accepted.size());

        List<Double> latencies = new ArrayList<>();
        Map<String, Long> due = new HashMap<>();
        long last = start;
        int completed = 0;
        int cancelled = 0;
        for (Sent s : accepted) {
            Terminal terminal = terminals.get(s.orderId());
            due.put(s.orderId(), s.dueNanos());
            if (terminal != null) {
                latencies.add((terminal.nanos() - s.dueNanos()) / 1e6);
                last = Math.max(last, terminal.nanos());
                if (terminal.type().equals("order.completed")) {
                    completed++;
                } else {
                    cancelled++;
                }
            }
        }
        int ended = completed + cancelled;
        double sagasPerSecond = ended / Math.max(1e-9, (last - start) / 1e9);
        double sagas = Math.max(1, ended);
        Map<String, Step.ProcessCost> processes = new java.util.LinkedHashMap<>();
        if (usage != null) {
            usage.processes().forEach((name, u) -> processes.put(name,
                    new Step.ProcessCost(u.cores(), u.cores() / Math.max(1e-9, sagasPerSecond) * 1000,
                            u.jitCores() / Math.max(1e-9, sagasPerSecond) * 1000, u.wakeUpsPerSecond() / Math.max(1e-9, sagasPerSecond),
                            u.preemptionsPerSecond() / Math.max(1e-9, sagasPerSecond), u.peakRssMiB())));
        }
        Map<String, Double> infrastructure = new java.util.LinkedHashMap<>();
        Map<String, Double> postgres = new java.util.LinkedHashMap<>();
        if (usage != null) {
            usage.infrastructureCores().forEach((name, cores) -> infrastructure.put(name, cores / Math.max(1e-9, sagasPerSecond) * 1000));
            usage.postgresCoresBy().forEach((name, cores) -> postgres.put(name, cores / Math.max(1e-9, sagasPerSecond) * 1000));
        }
        transactionsBy.replaceAll((function, count) -> count / sagas);
        return new Step(label, rate, sentPerSecond, accepted.size(), sent.size() - accepted.size(), completed,
                cancelled, accepted.size() - ended, after.deadLetters - before.deadLetters, sagasPerSecond,
                Percentiles.of(latencies), hops(due),
                (after.xids - before.xids) / sagas, transactionsBy, (after.events - before.events) / sagas,
                // Function deliveries are recorded in processed_event; the store receives every event once more.
                (after.deliveries - before.deliveries + after.events - before.events) / sagas,
                usage == null ? Double.NaN : usage.processCores(),
                usage == null ? Double.NaN : usage.processCores() / Math.max(1e-9, sagasPerSecond) * 1000,
                processes,
                infrastructure,
                postgres,
                usage == null ? Double.NaN : usage.machineBusyPercent(),
                usage == null ? Double.NaN : usage.peakRssMiB());
    }

    /**
     * Committed write transactions by who made them: one per applied delivery of each function (its dedupe record),
     * one per accepted order (the trigger), one per batch of the event store's recorder (distinct transaction ids,
     * where the store keeps them); the rest of the XIDs (relay deletes, leases, projections, snapshots, timeouts)
     * as "other".
     */
    private Map<String, Double> transactionsBy(Counters before, Counters after, int orders) throws SQLException {
        Map<String, Double> by = new java.util.LinkedHashMap<>();
        by.put("trigger", (double) orders);
        after.byConsumer.forEach((consumer, count) -> by.put(consumer, (double) (count - before.byConsumer.getOrDefault(consumer, 0L))));
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                PreparedStatement store = c.prepareStatement("select count(distinct transaction_id) from event_store where position > ?")) {
            store.setLong(1, before.lastPosition);
            try (ResultSet rs = store.executeQuery()) {
                rs.next();
                by.put("store", (double) rs.getLong(1));
            }
        } catch (SQLException e) {
            // an older schema without transaction ids: the store's share stays in "other"
        }
        by.put("other", Math.max(0, after.xids - before.xids - by.values().stream().mapToDouble(Double::doubleValue).sum()));
        return by;
    }

    /** Waits until every order in {@code orders} has ended, or {@code limit} has passed; forgets those that ended. */
    private void awaitEnded(java.util.Set<String> orders, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        do {
            orders.removeIf(terminals::containsKey);
            if (orders.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
    }

    private CompletableFuture<Sent> send(long due) {
        int n = sequence++;
        String body = """
                {"customerId":"bench-%s-%d","currency":"EUR","shippingAddress":{"country":"DE"},
                 "items":[{"sku":"%s","quantity":1,"unitPrice":"9.90"},{"sku":"%s","quantity":2,"unitPrice":"4.50"}]}"""
                .formatted(run, n, SKUS.get(n % SKUS.size()), SKUS.get((n + 1) % SKUS.size()));
        HttpRequest request = HttpRequest.newBuilder(orders).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Sent(due, response.statusCode() == 202
                        ? new JsonObject(response.body()).getString("orderId") : null, response.statusCode()))
                .exceptionally(error -> new Sent(due, null, -1));
    }

    /**
     * Per-hop latency percentiles, from the times the events carry: each event against the event that caused it,
     * plus the client's side at both ends (due time → order.placed, terminal event → its arrival at the subscriber).
     */
    private Map<String, Percentiles> hops(Map<String, Long> due) throws SQLException {
        Map<String, List<Double>> samples = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                PreparedStatement hops = c.prepareStatement("""
                        select c.type || ' → ' || e.type, extract(epoch from (e.time - c.time)) * 1000
                        from event_store e join event_store c on c.event_id = e.causation_id
                        where e.stream_id = any(?)""");
                PreparedStatement ends = c.prepareStatement("""
                        select stream_id, type, extract(epoch from time) * 1000 from event_store
                        where stream_id = any(?) and type in ('order.placed', 'order.completed', 'order.cancelled')""")) {
            java.sql.Array ids = c.createArrayOf("text", due.keySet().toArray());
            hops.setArray(1, ids);
            try (ResultSet rs = hops.executeQuery()) {
                while (rs.next()) {
                    samples.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getDouble(2));
                }
            }
            ends.setArray(1, ids);
            try (ResultSet rs = ends.executeQuery()) {
                while (rs.next()) {
                    String order = rs.getString(1);
                    double eventMillis = rs.getDouble(3);
                    if (rs.getString(2).equals("order.placed")) {
                        samples.computeIfAbsent("client → order.placed", k -> new ArrayList<>())
                                .add(eventMillis - wallMillis(due.get(order)));
                    } else if (terminals.containsKey(order)) {
                        samples.computeIfAbsent(rs.getString(2) + " → client", k -> new ArrayList<>())
                                .add(wallMillis(terminals.get(order).nanos()) - eventMillis);
                    }
                }
            }
        }
        Map<String, Percentiles> result = new TreeMap<>();
        samples.forEach((hop, values) -> result.put(hop, Percentiles.of(values)));
        return result;
    }

    private double wallMillis(long nanos) {
        return wallBase.toEpochMilli() + (nanos - nanoBase) / 1e6;
    }

    private record Counters(long xids, long events, long deliveries, long deadLetters, long lastPosition,
            Map<String, Long> byConsumer) {
    }

    /**
     * XIDs are handed out only to transactions that write, i.e. the commits that must reach the disk: the difference of
     * the next XID (read without taking one) counts them for the whole database.
     */
    private Counters counters() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                ResultSet rs = c.createStatement().executeQuery("""
                        select pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                               (select count(*) from event_store),
                               -- the store's own dedupe records are not deliveries of their own: it gets each event once
                               (select count(*) from processed_event where consumer <> 'store'),
                               (select count(*) from dead_letter), (select coalesce(max(position), 0) from event_store)""");
                ResultSet consumers = c.createStatement()
                        .executeQuery("select consumer, count(*) from processed_event group by consumer")) {
            Map<String, Long> byConsumer = new TreeMap<>();
            while (consumers.next()) {
                byConsumer.put(consumers.getString(1), consumers.getLong(2));
            }
            rs.next();
            return new Counters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), byConsumer);
        }
    }

    /** The store records events asynchronously: wait until the outbox is empty and the store has stopped growing. */
    private void awaitRecorded() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long previous = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl);
                    ResultSet rs = c.createStatement().executeQuery(
                            "select (select count(*) from outbox), (select count(*) from event_store)")) {
                rs.next();
                if (rs.getLong(1) == 0 && rs.getLong(2) == previous) {
                    return;
                }
                previous = rs.getLong(2);
            }
            Thread.sleep(300);
        }
    }

    @Override
    public void close() throws Exception {
        connection.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
