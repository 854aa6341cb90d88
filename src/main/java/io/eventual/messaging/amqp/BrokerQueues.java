package io.eventual.messaging.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import io.eventual.event.EventType;
import io.eventual.messaging.EventualConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The broker's view of a function's queues — messages waiting, consumers attached, paused or not — and pausing them
 * at the broker (every replica stops receiving; messages wait), through Artemis management messages; and the broker's
 * own dead letters ({@link BrokerAccess#DEAD_LETTERS}: messages a consumer could not even park), which can be sent back
 * to the queue they came from or removed. With orders partitioned over several broker pairs it asks each: a queue's
 * figures are the sums, pausing pauses it on every pair, and each dead letter says which pair holds it. It logs in with
 * the management account ({@code eventual.management.*}, the operator's), which only the process serving the console
 * needs; the functions' own accounts may not manage the broker.
 */
@ApplicationScoped
public class BrokerQueues {

    private static final String MANAGEMENT = "activemq.management";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One queue of a function, as the broker sees it now. */
    public record QueueState(String queue, String type, long messages, int consumers, boolean paused) {
    }

    /**
     * A message in the broker's dead-letter address: its id there, the queue it came from, its CloudEvents attributes
     * (application properties) and content type. Its body stays in the broker.
     */
    public record BrokerDeadLetter(int pair, long messageId, String queue, String address, Map<String, Object> attributes,
            String contentType) {
    }

    /** The console asked for the broker's view, but no management account is configured. */
    public static class NotConfigured extends RuntimeException {
        NotConfigured() {
            super("broker management is not configured: set eventual.management.username and eventual.management.password");
        }
    }

    private final Vertx vertx;
    private final EventualConfig config;
    private final Map<String, Promise<AmqpMessage>> replies = new ConcurrentHashMap<>();
    private final List<Pair> pairs;

    private record Session(AmqpSender sender, String replyTo) {
    }

    /** The management session with one broker pair: whichever of its brokers is live. */
    private final class Pair {
        final BrokerEndpoints endpoints;
        Future<Session> session;
        AmqpClient client;
        BrokerEndpoints.Endpoint clientEndpoint;

        Pair(BrokerEndpoints endpoints) {
            this.endpoints = endpoints;
        }

        synchronized Future<Session> session() {
            if (session == null || session.failed()) {
                if (session != null) {
                    endpoints.failed(clientEndpoint);
                }
                // The broker of the pair that is live now: a failed session moves on to the next.
                if (client == null || !clientEndpoint.equals(endpoints.current())) {
                    if (client != null) {
                        client.close();
                    }
                    clientEndpoint = endpoints.current();
                    AmqpClientOptions options = Broker.options(config.broker(), clientEndpoint);
                    config.management().username().ifPresent(options::setUsername);
                    config.management().password().ifPresent(options::setPassword);
                    client = AmqpClient.create(vertx, options);
                }
                session = client.connect().compose(connection -> {
                    connection.closeFuture().onComplete(closed -> forget());
                    return connection.createSender(MANAGEMENT).compose(sender -> connection.createDynamicReceiver()
                            .map(receiver -> {
                                receiver.handler(BrokerQueues.this::answered);
                                return new Session(sender, receiver.address());
                            }));
                });
            }
            return session;
        }

        synchronized void forget() {
            session = null;
        }
    }

    BrokerQueues(Vertx vertx, EventualConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.pairs = BrokerEndpoints.partitions(config.broker()).stream().map(Pair::new).toList();
    }

    public boolean configured() {
        return config.management().username().isPresent();
    }

    /** The queues {@code function} reads, in catalogue order. */
    public Uni<List<QueueState>> of(String function) {
        List<Uni<QueueState>> states = new ArrayList<>();
        for (EventType type : EventType.values()) {
            if (type.consumers().contains(function)) {
                String queue = type.queue(function);
                List<Uni<QueueState>> onPairs = new ArrayList<>();
                for (int pair = 0; pair < pairs.size(); pair++) {
                    int on = pair;
                    onPairs.add(attribute(on, queue, "messageCount").chain(messages -> attribute(on, queue, "consumerCount")
                            .chain(consumers -> attribute(on, queue, "paused").map(paused -> new QueueState(queue,
                                    type.typeName(), ((Number) messages).longValue(), ((Number) consumers).intValue(),
                                    (Boolean) paused)))));
                }
                states.add(Uni.join().all(onPairs).andFailFast().map(BrokerQueues::summed));
            }
        }
        return states.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(states).andFailFast();
    }

    /** One queue over every pair: messages and consumers added up, paused where it is paused on any. */
    private static QueueState summed(List<QueueState> onPairs) {
        QueueState first = onPairs.get(0);
        return new QueueState(first.queue(), first.type(), onPairs.stream().mapToLong(QueueState::messages).sum(),
                onPairs.stream().mapToInt(QueueState::consumers).sum(), onPairs.stream().anyMatch(QueueState::paused));
    }

    /** Pauses (or resumes) every queue {@code function} reads, at the broker. */
    public Uni<Void> pause(String function, boolean pause) {
        List<Uni<Object>> operations = new ArrayList<>();
        for (EventType type : EventType.values()) {
            if (type.consumers().contains(function)) {
                for (int pair = 0; pair < pairs.size(); pair++) {
                    operations.add(operation(pair, type.queue(function), pause ? "pause" : "resume"));
                }
            }
        }
        return operations.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(operations).andFailFast().replaceWithVoid();
    }

    /** The first {@code limit} messages of the broker's dead-letter address, oldest first, pair after pair. */
    public Uni<List<BrokerDeadLetter>> deadLetters(int limit) {
        List<Uni<List<BrokerDeadLetter>>> onPairs = new ArrayList<>();
        for (int pair = 0; pair < pairs.size(); pair++) {
            onPairs.add(deadLetters(pair, limit));
        }
        return Uni.join().all(onPairs).andFailFast()
                .map(lists -> lists.stream().flatMap(List::stream).limit(limit).toList());
    }

    private Uni<List<BrokerDeadLetter>> deadLetters(int pair, int limit) {
        return request(pair, BrokerAccess.DEAD_LETTERS, Map.of("_AMQ_OperationName", "listMessages"), new JsonArray().add(""))
                .map(result -> {
                    List<BrokerDeadLetter> letters = new ArrayList<>();
                    for (Object item : result instanceof JsonArray array ? array : new JsonArray()) {
                        if (letters.size() == limit) {
                            break;
                        }
                        JsonObject message = (JsonObject) item;
                        Map<String, Object> attributes = new java.util.TreeMap<>();
                        message.forEach(e -> {
                            if (e.getKey().startsWith("cloudEvents")) {
                                attributes.put(e.getKey(), e.getValue());
                            }
                        });
                        letters.add(new BrokerDeadLetter(pair, message.getLong("messageID"), message.getString("_AMQ_ORIG_QUEUE"),
                                message.getString("_AMQ_ORIG_ADDRESS"), attributes, message.getString("contentType")));
                    }
                    return letters;
                });
    }

    /**
     * Sends a broker dead letter of {@code pair} back to the queue it came from; false if there is none with that id
     * (or no such pair).
     */
    public Uni<Boolean> redrive(int pair, long messageId) {
        return onDeadLetter(pair, "retryMessage", messageId);
    }

    /** Removes a broker dead letter of {@code pair} for good; false if there is none with that id (or no such pair). */
    public Uni<Boolean> discard(int pair, long messageId) {
        return onDeadLetter(pair, "removeMessage", messageId);
    }

    private Uni<Boolean> onDeadLetter(int pair, String operation, long messageId) {
        if (pair < 0 || pair >= pairs.size()) {
            return Uni.createFrom().item(false);
        }
        return request(pair, BrokerAccess.DEAD_LETTERS, Map.of("_AMQ_OperationName", operation), new JsonArray().add(messageId))
                .map(Boolean.TRUE::equals);
    }

    private Uni<Object> attribute(int pair, String queue, String name) {
        return request(pair, queue, Map.of("_AMQ_Attribute", name), new JsonArray());
    }

    private Uni<Object> operation(int pair, String queue, String name) {
        return request(pair, queue, Map.of("_AMQ_OperationName", name), new JsonArray());
    }

    /** One management request with its arguments: the reply's body is a JSON array holding the result, or the error. */
    private Uni<Object> request(int pair, String queue, Map<String, Object> what, JsonArray arguments) {
        if (!configured()) {
            return Uni.createFrom().failure(new NotConfigured());
        }
        return Uni.createFrom().completionStage(() -> pairs.get(pair).session().compose(s -> {
            String id = UUID.randomUUID().toString();
            Promise<AmqpMessage> reply = Promise.promise();
            replies.put(id, reply);
            Message request = Message.Factory.create();
            Map<String, Object> properties = new java.util.HashMap<>(what);
            properties.put("_AMQ_ResourceName", "queue." + queue);
            request.setApplicationProperties(new ApplicationProperties(properties));
            request.setBody(new AmqpValue(arguments.encode()));
            s.sender().send(AmqpMessage.create(request).address(MANAGEMENT).id(id).correlationId(id)
                    .replyTo(s.replyTo()).build());
            return reply.future().eventually(() -> {
                replies.remove(id);
                return Future.succeededFuture();
            });
        }).toCompletionStage()).ifNoItem().after(TIMEOUT).fail().map(reply -> {
            Object body = reply.unwrap().getBody() instanceof AmqpValue value ? value.getValue() : null;
            JsonArray result = body == null ? new JsonArray() : new JsonArray(String.valueOf(body)); // void: no body
            if (!Boolean.TRUE.equals(reply.applicationProperties().getValue("_AMQ_OperationSucceeded"))) {
                throw new IllegalStateException("the broker refused " + what + " on " + queue + ": " + result);
            }
            return result.isEmpty() ? null : result.getValue(0);
        });
    }

    private void answered(AmqpMessage reply) {
        Promise<AmqpMessage> waiting = reply.correlationId() == null ? null : replies.get(String.valueOf(reply.correlationId()));
        if (waiting != null) {
            waiting.tryComplete(reply);
        }
    }

    @PreDestroy
    void stop() {
        pairs.forEach(pair -> {
            if (pair.client != null) {
                pair.client.close();
            }
        });
    }
}
