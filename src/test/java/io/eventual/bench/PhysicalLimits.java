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

import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
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
 * uses: single-row commits per second, and durable message round trips per second.
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
     * Durable messages of {@code size} bytes sent to a queue and received back from it, per second, over one
     * connection with {@code window} messages in flight (the application's link credit), each send confirmed by the
     * broker and each receipt settled, as the application does.
     */
    static double roundTripsPerSecond(String host, int port, int size, int window, Duration duration) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AmqpClient client = AmqpClient.create(vertx, new AmqpClientOptions().setHost(host).setPort(port));
            AmqpConnection connection = await(client.connect());
            String queue = "bench.roundtrip." + UUID.randomUUID().toString().substring(0, 8);
            AmqpReceiver receiver = await(connection.createReceiver(queue + "::" + queue,
                    new AmqpReceiverOptions().setDurable(true).setAutoAcknowledgement(false).setMaxBufferedMessages(window)));
            AmqpSender sender = await(connection.createSender(queue));
            JsonObject properties = new JsonObject().put("cloudEvents:specversion", "1.0")
                    .put("cloudEvents:id", UUID.randomUUID().toString()).put("cloudEvents:type", "bench.roundtrip")
                    .put("cloudEvents:source", "/bench").put("cloudEvents:subject", UUID.randomUUID().toString())
                    .put("cloudEvents:time", "2026-11-26T00:00:00Z");
            Buffer body = Buffer.buffer("x".repeat(Math.max(1, size)));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong received = new AtomicLong();
            Runnable sendOne = () -> sender.sendWithAck(AmqpMessage.create().address(queue).durable(true)
                    .contentType("application/json").applicationProperties(properties).withBufferAsBody(body).build());
            receiver.handler(message -> {
                message.accepted();
                received.incrementAndGet();
                if (running.get()) {
                    sendOne.run();
                }
            });
            vertx.runOnContext(v -> {
                for (int i = 0; i < window; i++) {
                    sendOne.run();
                }
            });
            Thread.sleep(duration.toMillis() / 5);
            long before = received.get();
            long start = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double rate = (received.get() - before) / ((System.nanoTime() - start) / 1e9);
            running.set(false);
            Thread.sleep(500);
            await(connection.close());
            return rate;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
