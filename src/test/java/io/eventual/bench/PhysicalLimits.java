package io.eventual.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.eventual.testing.Operator;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The two ceilings eventual runs under on this machine, measured on the same database and broker the application
 * uses: single-row commits per second, and durable messages per second through a queue.
 */
final class PhysicalLimits {

    private PhysicalLimits() {
    }

    /** Single-row INSERT transactions per second over {@code connections} connections, each committing on its own. */
    static double commitsPerSecond(String jdbcUrl, int connections, Duration window) throws Exception {
        String table = "bench_commit_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("create table " + table + " (id bigserial primary key, payload text not null)");
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong commits = new AtomicLong();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                try (Connection c = DriverManager.getConnection(jdbcUrl);
                        PreparedStatement insert = c.prepareStatement("insert into " + table + " (payload) values (?)")) {
                    c.setAutoCommit(true);
                    while (running.get()) {
                        insert.setString(1, "one row, one commit");
                        insert.executeUpdate();
                        commits.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> new Thread(runnable, "commit-loop").start()));
        }
        Thread.sleep(window.toMillis() / 5); // connections opened, steady state
        long before = commits.get();
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        double rate = (commits.get() - before) / ((System.nanoTime() - start) / 1e9);
        running.set(false);
        CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("drop table " + table);
        }
        return rate;
    }

    /**
     * {@link #messagesPerSecond} measured from a JVM of its own, as a client elsewhere would (and as
     * {@code artemis perf client} does), not from the JVM that hosts the embedded broker.
     */
    static double messagesPerSecondFromOwnJvm(String host, int port, int size, int window, Duration duration) throws Exception {
        Process client = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), PhysicalLimits.class.getName(), host, Integer.toString(port),
                Integer.toString(size), Integer.toString(window), Long.toString(duration.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!client.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || client.exitValue() != 0) {
            throw new IllegalStateException("the broker measurement failed: " + out);
        }
        return Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1));
    }

    /** Prints {@link #messagesPerSecond} for host, port, size, window, duration in ms. */
    public static void main(String[] args) throws Exception {
        System.out.println(messagesPerSecond(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Duration.ofMillis(Long.parseLong(args[4]))));
        System.exit(0);
    }

    /**
     * Durable messages of {@code size} bytes per second through one queue, measured as Artemis's own
     * {@code artemis perf client --persistent --max-pending <window>} does: a producer on its own connection keeps up to
     * {@code window} sends awaiting the broker's confirmation, a consumer on another connection settles each message
     * it receives; the figure is messages received per second in steady state.
     */
    static double messagesPerSecond(String host, int port, int size, int window, Duration duration) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AmqpClient client = AmqpClient.create(vertx, Operator.options(host, port));
            AmqpConnection producing = await(client.connect());
            AmqpConnection consuming = await(client.connect());
            String queue = "bench.throughput." + UUID.randomUUID().toString().substring(0, 8);
            AmqpReceiver receiver = await(consuming.createReceiver(queue + "::" + queue,
                    new AmqpReceiverOptions().setDurable(true).setAutoAcknowledgement(false).setMaxBufferedMessages(1000)));
            AmqpSender sender = await(producing.createSender(queue));
            JsonObject properties = new JsonObject().put("cloudEvents:specversion", "1.0")
                    .put("cloudEvents:id", UUID.randomUUID().toString()).put("cloudEvents:type", "bench.throughput")
                    .put("cloudEvents:source", "/bench").put("cloudEvents:subject", UUID.randomUUID().toString())
                    .put("cloudEvents:time", "2026-11-26T00:00:00Z");
            Buffer body = Buffer.buffer("x".repeat(Math.max(1, size)));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong received = new AtomicLong();
            receiver.handler(message -> {
                message.accepted();
                received.incrementAndGet();
            });
            Runnable[] sendOne = new Runnable[1];
            sendOne[0] = () -> sender.sendWithAck(AmqpMessage.create().address(queue).durable(true)
                    .contentType("application/json").applicationProperties(properties).withBufferAsBody(body).build())
                    .onComplete(ack -> {
                        if (running.get()) {
                            sendOne[0].run();
                        }
                    });
            vertx.runOnContext(v -> {
                for (int i = 0; i < window; i++) {
                    sendOne[0].run();
                }
            });
            Thread.sleep(duration.toMillis() / 5);
            long before = received.get();
            long start = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double rate = (received.get() - before) / ((System.nanoTime() - start) / 1e9);
            running.set(false);
            Thread.sleep(500);
            await(producing.close());
            await(consuming.close());
            return rate;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The same measurement by Artemis's own tool, {@code artemis perf client --persistent --max-pending <window>} with
     * the same message size against the same broker. Its fresh JVM needs a long warm-up on a small machine (its rate
     * climbs for tens of seconds), so it warms up for at least 20 s and the figure is the median of the per-second
     * "received" samples of the second half of its measured run.
     */
    static double artemisPerfClient(java.nio.file.Path home, String host, int port, int size, int window, Duration duration,
            java.nio.file.Path out) throws Exception {
        java.nio.file.Path report = out.toAbsolutePath().resolve("artemis-perf.json");
        long seconds = Math.max(40, duration.toSeconds() * 3);
        long warmup = seconds / 2;
        Process perf = new ProcessBuilder(home.resolve("bin/artemis").toString(), "perf", "client", "--url",
                "amqp://" + host + ":" + port, "--user", Operator.USER, "--password", Operator.PASSWORD, "--protocol", "AMQP",
                "--persistent", "--message-size", Integer.toString(size),
                "--max-pending", Integer.toString(window), "--warmup", Long.toString(warmup), "--duration", Long.toString(seconds),
                "--json", report.toString(),
                "queue://bench.perf." + UUID.randomUUID().toString().substring(0, 8))
                .redirectErrorStream(true).redirectOutput(out.toAbsolutePath().resolve("artemis-perf.log").toFile()).start();
        if (!perf.waitFor(warmup + seconds + 60, TimeUnit.SECONDS) || perf.exitValue() != 0) {
            perf.destroyForcibly();
            throw new IllegalStateException("artemis perf client failed; see " + out.resolve("artemis-perf.log"));
        }
        List<Double> received = new ArrayList<>();
        for (var sample : new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile())) {
            if ("interval".equals(sample.path("sampleType").asText()) && !sample.path("warmup").asBoolean()) {
                received.add(sample.path("received").asDouble());
            }
        }
        List<Double> last = new ArrayList<>(received.subList(received.size() / 2, received.size()));
        last.sort(Double::compare);
        return last.isEmpty() ? Double.NaN : last.get(last.size() / 2);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
