package io.eventual.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A plain AMQP 1.0 client, independent of the application's own connection: what another service would use to
 * publish to eventual or to look into its queues.
 */
public final class RawAmqp implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Vertx vertx = Vertx.vertx();
    private final AmqpClient client;
    private final AmqpConnection connection;

    /** Logged in as the operator, who may send and consume anything (as tests that play another function need). */
    public RawAmqp() {
        this(Operator.USER);
    }

    /** Logged in as one of the dev accounts (password = user name), or anonymously for {@code null}. */
    public RawAmqp(String user) {
        AmqpClientOptions options = Operator.options("localhost", Integer.getInteger("test.amqp-port"));
        options.setUsername(user).setPassword(user);
        client = AmqpClient.create(vertx, options);
        connection = await(client.connect());
    }

    /** Sends a message with the given application properties and body to {@code address}. */
    public void send(String address, Map<String, Object> properties, String contentType, String body) {
        send(address, properties, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Sends a message with the given application properties and a body of any bytes to {@code address}. */
    public void send(String address, Map<String, Object> properties, String contentType, byte[] body) {
        var sender = await(connection.createSender(address));
        await(sender.sendWithAck(AmqpMessage.create().durable(true).contentType(contentType)
                .applicationProperties(new JsonObject(properties))
                .withBufferAsBody(Buffer.buffer(body)).build()));
        await(sender.close());
    }

    /**
     * Sends a message with the given application properties, kept in their AMQP types (String, Long, Boolean, Date as
     * timestamp, Binary...), and a {@code data} body to {@code address}.
     */
    public void sendNative(String address, Map<String, Object> properties, String contentType, String body) {
        org.apache.qpid.proton.message.Message message = org.apache.qpid.proton.message.Message.Factory.create();
        message.setApplicationProperties(new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(properties));
        var sender = await(connection.createSender(address));
        await(sender.sendWithAck(AmqpMessage.create(message).durable(true).contentType(contentType)
                .withBufferAsBody(Buffer.buffer(body)).build()));
        await(sender.close());
    }

    /** The refusal the broker gives an account that lacks a permission. */
    public static final String UNAUTHORIZED = "amqp:unauthorized-access";

    /**
     * Whether the broker refuses this account a receiver on {@code fqqn} for want of permission (a receiver it allows
     * is closed at once); any other failure is an error of the test, not a refusal.
     */
    public boolean refusedToConsume(String fqqn) {
        try {
            var receiver = await(connection.createReceiver(fqqn, new AmqpReceiverOptions().setDurable(true)
                    .setAutoAcknowledgement(false)));
            await(receiver.close());
            return false;
        } catch (IllegalStateException failed) {
            return unauthorized(failed);
        }
    }

    /**
     * Whether the broker refuses this account to send to {@code address} for want of permission: the link, or, when
     * {@code tryAMessage}, a message on it (an empty JSON object, which a consumer parks as a dead letter).
     */
    public boolean refusedToSend(String address, boolean tryAMessage) {
        try {
            var sender = await(connection.createSender(address));
            try {
                if (tryAMessage) {
                    await(sender.sendWithAck(AmqpMessage.create().durable(true).contentType("application/json")
                            .withBufferAsBody(Buffer.buffer("{}")).build()));
                }
                return false;
            } finally {
                sender.close();
            }
        } catch (IllegalStateException failed) {
            return unauthorized(failed);
        }
    }

    /** Whether the broker refuses this account to send to {@code address}: the link, or a message on it. */
    public boolean refusedToSend(String address) {
        return refusedToSend(address, true);
    }

    private static boolean unauthorized(Throwable failed) {
        for (Throwable t = failed; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(UNAUTHORIZED)) {
                return true;
            }
        }
        throw new AssertionError("the broker failed otherwise than refusing a permission", failed);
    }

    /**
     * Takes (accepts) the first message on {@code fqqn} ({@code address::queue}) that is {@code wanted}, or null if none
     * arrives within {@code wait}; every other message it sees goes back to the queue untouched.
     */
    public AmqpMessage take(String fqqn, Duration wait, Predicate<AmqpMessage> wanted) {
        return receive(fqqn, wait, wanted, true);
    }

    /** Like {@link #take}, but the message goes back to the queue too: a look at what waits there. */
    public AmqpMessage look(String fqqn, Duration wait, Predicate<AmqpMessage> wanted) {
        return receive(fqqn, wait, wanted, false);
    }

    private AmqpMessage receive(String fqqn, Duration wait, Predicate<AmqpMessage> wanted, boolean accept) {
        var receiver = await(connection.createReceiver(fqqn, new AmqpReceiverOptions().setDurable(true)
                .setAutoAcknowledgement(false)));
        List<AmqpMessage> others = new CopyOnWriteArrayList<>();
        try {
            io.vertx.core.Promise<AmqpMessage> next = io.vertx.core.Promise.promise();
            receiver.handler(message -> {
                if (wanted.test(message) && next.tryComplete(message)) {
                    return;
                }
                // Held, not released, until the end: a released message would come straight back to this receiver.
                others.add(message);
            });
            long timer = vertx.setTimer(wait.toMillis(), t -> next.tryComplete(null));
            AmqpMessage message = await(next.future());
            vertx.cancelTimer(timer);
            if (message != null) {
                if (accept) {
                    message.accepted();
                } else {
                    message.released();
                }
            }
            return message;
        } finally {
            others.forEach(AmqpMessage::released);
            await(receiver.close());
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        await(connection.close());
        await(client.close());
        await(vertx.close());
    }
}
