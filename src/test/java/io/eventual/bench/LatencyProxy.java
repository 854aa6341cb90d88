package io.eventual.bench;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP proxy on loopback that holds every chunk of bytes for {@code delayMillis} in each direction before passing it
 * on, in order: a network between the functions and their database or broker, with a round trip of twice the delay.
 */
final class LatencyProxy implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final long delayNanos;

    private LatencyProxy(int targetPort, double delayMillis) throws Exception {
        this.delayNanos = (long) (delayMillis * 1_000_000);
        server = vertx.createNetServer().connectHandler(client -> {
            client.pause();
            vertx.createNetClient().connect(targetPort, "127.0.0.1").onSuccess(upstream -> {
                pipe(client, upstream);
                pipe(upstream, client);
                client.resume();
            }).onFailure(error -> client.close());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A proxy in front of 127.0.0.1:{@code targetPort}. */
    static LatencyProxy start(int targetPort, double delayMillis) throws Exception {
        return new LatencyProxy(targetPort, delayMillis);
    }

    int port() {
        return server.actualPort();
    }

    private void pipe(NetSocket from, NetSocket to) {
        Delayed delayed = new Delayed(to);
        from.handler(delayed::add);
        from.closeHandler(v -> to.close());
        from.exceptionHandler(e -> from.close());
    }

    /** Chunks in arrival order, each written once its delay has passed. */
    private final class Delayed {
        private final NetSocket to;
        private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
        private boolean scheduled;

        Delayed(NetSocket to) {
            this.to = to;
        }

        void add(Buffer chunk) {
            if (delayNanos == 0) {
                to.write(chunk);
                return;
            }
            queue.add(new Object[] { System.nanoTime() + delayNanos, chunk });
            if (!scheduled) {
                schedule();
            }
        }

        private void schedule() {
            Object[] head = queue.peek();
            if (head == null) {
                scheduled = false;
                return;
            }
            scheduled = true;
            long wait = (long) head[0] - System.nanoTime();
            if (wait <= 0) {
                drain();
            } else {
                // Vert.x timers have millisecond resolution: round up, never deliver early.
                vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)), t -> drain());
            }
        }

        private void drain() {
            long now = System.nanoTime();
            while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
                to.write((Buffer) queue.poll()[1]);
            }
            schedule();
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
